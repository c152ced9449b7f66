// TrackerState: the CRDT state of one tracker shard. It is a mutable class
// with exactly one owner (the shard), because a merge must cost O(delta), not O(state).
// Pure in the sense that matters here: no I/O, no time, no randomness; the caller supplies
// metas (with phx_ref already set) and decides when replicas go up, down or away.
import { absorb, addDeltaDot, addDot, compactReplica } from './causal.js'
import { emptyDelta, type MutableDelta } from './delta.js'
import { CrdtError } from './errors.js'
import { checkArgs, checkMeta } from './validate.js'
import { extractFor, planMerge, type LocalView } from './merge.js'
import { tagKey } from './replica-ref.js'
import { ElementStore } from './store.js'
import type {
  Changes,
  Clouds,
  Context,
  Delta,
  Entry,
  Meta,
  Payload,
  ReadonlyClouds,
  ReadonlyContext,
  ReplicaRef,
  ReplicaStatus,
  StateExtract,
} from './types.js'

/**
 * The Tracker CRDT state of one shard: causal context, clouds, indexed elements, replica
 * statuses and the delta accumulating since the last heartbeat.
 * @example
 * const a = new TrackerState(replicaRef('a', 1))
 * a.join('owner1', 'lobby', 'alice', { phx_ref: 'r1' })
 * const b = new TrackerState(replicaRef('b', 1))
 * b.replicaUp(a.replica)
 * b.merge(a.extract(b.context)) // { joins: [alice], leaves: [] }
 */
export class TrackerState {
  /** Own replica ref. */
  readonly replica: ReplicaRef
  readonly #context: Context = new Map()
  readonly #clouds: Clouds = new Map()
  readonly #statuses = new Map<ReplicaRef, ReplicaStatus>()
  readonly #store = new ElementStore()
  #delta: MutableDelta

  constructor(replica: ReplicaRef) {
    this.replica = replica
    this.#context.set(replica, 0)
    this.#statuses.set(replica, 'up')
    this.#delta = this.#freshDelta()
  }

  /** Causal context (live read-only view). */
  get context(): ReadonlyContext {
    return this.#context
  }

  /** Clouds (live read-only view; normally empty). */
  get clouds(): ReadonlyClouds {
    return this.#clouds
  }

  /** The delta accumulated since the last {@link resetDelta} (live view until then). */
  get delta(): Delta {
    return this.#delta
  }

  /** Own clock: a copy of the context. */
  clock(): Context {
    return new Map(this.#context)
  }

  /** The clock sent in heartbeats: the context without replicas considered down (PR #136). */
  gossipClock(): Context {
    const out: Context = new Map()
    for (const [r, c] of this.#context) if (this.#statuses.get(r) === 'up') out.set(r, c)
    return out
  }

  /** Known replicas and their status (own replica included, always up). */
  replicas(): Map<ReplicaRef, ReplicaStatus> {
    return new Map(this.#statuses)
  }

  /** Status of a replica, or undefined when unknown. */
  status(ref: ReplicaRef): ReplicaStatus | undefined {
    return this.#statuses.get(ref)
  }

  #view(): LocalView {
    return { self: this.replica, context: this.#context, clouds: this.#clouds, store: this.#store }
  }

  #visible = (r: ReplicaRef): boolean => this.#statuses.get(r) === 'up'

  #freshDelta(): MutableDelta {
    const own = new Map([[this.replica, this.#context.get(this.replica) ?? 0]])
    return emptyDelta(own) as MutableDelta
  }

  #bump(): number {
    const c = (this.#context.get(this.replica) ?? 0) + 1
    this.#context.set(this.replica, c)
    addDeltaDot(this.#delta.clouds, this.replica, c)
    this.#delta.end.set(this.replica, c)
    return c
  }

  /** Own element for (topic, owner, key), if any. */
  getLocal(owner: string, topic: string, key: string): Entry | undefined {
    for (const e of this.#store.ofOwner(owner)) {
      if (e.replica === this.replica && e.topic === topic && e.key === key) return e
    }
    return undefined
  }

  /** Adds an own element; throws CrdtError ALREADY_PRESENT for a duplicate (topic, owner, key). */
  join(owner: string, topic: string, key: string, meta: Meta): Entry {
    checkArgs(owner, topic, key)
    checkMeta(meta)
    if (this.getLocal(owner, topic, key)) {
      throw new CrdtError('ALREADY_PRESENT', `already present: ${topic} ${owner} ${key}`)
    }
    const e: Entry = { replica: this.replica, clock: this.#bump(), owner, topic, key, meta }
    this.#store.add(e)
    this.#delta.values.set(tagKey(e.replica, e.clock), e)
    return e
  }

  // Tombstones an own element's dot in the delta and bumps for the remove event.
  #tombstoneLocal(e: Entry): void {
    addDeltaDot(this.#delta.clouds, e.replica, e.clock)
    this.#delta.values.delete(tagKey(e.replica, e.clock))
    this.#bump()
  }

  /** Removes an own element; returns it, or undefined when absent. */
  leave(owner: string, topic: string, key: string): Entry | undefined {
    const e = this.getLocal(owner, topic, key)
    if (!e) return undefined
    this.#store.remove(e)
    this.#tombstoneLocal(e)
    return e
  }

  /** Removes every own element of `owner`; returns them. */
  leaveOwner(owner: string): Entry[] {
    const mine = [...this.#store.ofOwner(owner)].filter((e) => e.replica === this.replica)
    for (const e of mine) {
      this.#store.remove(e)
      this.#tombstoneLocal(e)
    }
    return mine
  }

  /** Replaces an own element's meta with a fresh dot (leave + join); undefined when absent. */
  update(
    owner: string,
    topic: string,
    key: string,
    meta: Meta,
  ): { old: Entry; entry: Entry } | undefined {
    checkMeta(meta)
    const old = this.getLocal(owner, topic, key)
    if (!old) return undefined
    this.#tombstoneLocal(old)
    const entry: Entry = { ...old, clock: this.#bump(), meta }
    this.#store.remove(old)
    this.#store.add(entry)
    this.#delta.values.set(tagKey(entry.replica, entry.clock), entry)
    return { old, entry }
  }

  /** Visible elements of a topic (replicas that are down are hidden). */
  list(topic: string): Entry[] {
    return [...this.#store.ofTopic(topic)].filter((e) => this.#visible(e.replica))
  }

  /** Every element of a topic, hidden ones included (upstream's "dirty" list). */
  dirtyList(topic: string): Entry[] {
    return [...this.#store.ofTopic(topic)]
  }

  /** Visible elements of a topic with the given key. */
  getByKey(topic: string, key: string): Entry[] {
    return this.list(topic).filter((e) => e.key === key)
  }

  /** Visible elements of an owner. */
  getByOwner(owner: string): Entry[] {
    return [...this.#store.ofOwner(owner)].filter((e) => this.#visible(e.replica))
  }

  /** Number of visible elements of a topic, in O(replicas). */
  count(topic: string): number {
    return this.#store.count(topic, this.#visible)
  }

  /** Number of stored elements (hidden ones included). */
  get size(): number {
    return this.#store.size
  }

  /** Every stored element (hidden ones included). */
  entries(): Entry[] {
    return [...this.#store.all()]
  }

  /** Visible elements of every topic. */
  visibleEntries(): Entry[] {
    return [...this.#store.all()].filter((e) => this.#visible(e.replica))
  }

  /**
   * Merges a full state or a delta and returns the changes that are visible
   * here: elements of replicas considered down change silently (their leaves were reported
   * at down, and {@link replicaUp} reports what they hold then).
   */
  merge(remote: Payload): Changes {
    const plan = planMerge(this.#view(), remote)
    for (const e of plan.leaves) {
      this.#store.remove(e)
      // Tombstone in our delta so the remove also travels through us (transitivity).
      addDeltaDot(this.#delta.clouds, e.replica, e.clock)
    }
    const touched = new Set<ReplicaRef>()
    for (const e of plan.joins) {
      this.#store.add(e)
      addDot(this.#context, this.#clouds, e.replica, e.clock)
      touched.add(e.replica)
    }
    absorb(this.#context, this.#clouds, this.replica, remote, touched)
    return {
      joins: plan.joins.filter((e) => this.#visible(e.replica)),
      leaves: plan.leaves.filter((e) => this.#visible(e.replica)),
    }
  }

  /** Full extract for a remote whose context is `remoteContext`: only replicas it knows. */
  extract(remoteContext: ReadonlyContext): StateExtract {
    return extractFor(this.#view(), remoteContext)
  }

  /** Hands out the accumulated delta (never mutated again), starts a new one, compacts. */
  resetDelta(): Delta {
    const done = this.#delta
    this.#delta = this.#freshDelta()
    this.compact()
    return done
  }

  /** Compaction of every cloud. Membership is unchanged. */
  compact(): void {
    for (const r of [...this.#clouds.keys()]) compactReplica(this.#context, this.#clouds, r, true)
  }

  /** Marks a replica up (creating its context entry); returns elements that became visible. */
  replicaUp(ref: ReplicaRef): Entry[] {
    if (ref === this.replica || this.#statuses.get(ref) === 'up') return []
    if (!this.#context.has(ref)) this.#context.set(ref, 0)
    this.#statuses.set(ref, 'up')
    return [...this.#store.ofReplica(ref).values()]
  }

  /** Marks a replica down; its elements stay stored but hidden. Returns them as leaves. */
  replicaDown(ref: ReplicaRef): Entry[] {
    if (ref === this.replica || this.#statuses.get(ref) !== 'up') return []
    this.#statuses.set(ref, 'down')
    return [...this.#store.ofReplica(ref).values()]
  }

  /**
   * Permdown: forgets a replica and deletes its elements, context, clouds and delta entries.
   * Reports nothing (leaves were reported at down). Returns the elements that were visible
   * (non-empty only if it is called while the replica is still up).
   */
  removeReplica(ref: ReplicaRef): Entry[] {
    if (ref === this.replica) return []
    const wasUp = this.#statuses.get(ref) === 'up'
    const gone = [...this.#store.ofReplica(ref).values()]
    for (const e of gone) this.#store.remove(e)
    this.#context.delete(ref)
    this.#clouds.delete(ref)
    this.#statuses.delete(ref)
    this.#delta.clouds.delete(ref)
    this.#delta.start.delete(ref)
    this.#delta.end.delete(ref)
    for (const e of gone) this.#delta.values.delete(tagKey(e.replica, e.clock))
    return wasUp ? gone : []
  }
}
