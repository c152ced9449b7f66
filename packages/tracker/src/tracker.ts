// The Tracker: a pool of shards per node. Every operation on a topic goes to
// shard fnv1a32(topic) mod poolSize, which replicates only with the same-numbered shard of
// the other nodes. Reads are served from the shard's state without any round trip.
import { replicaRef, stringProblem } from '@plume/crdt'
import type { ReplicaInfo } from '@plume/crdt'
import type { DiffListener, Meta, PresenceDiff } from './diff.js'
import { TrackerError } from './errors.js'
import { newVsn, shardFor } from './ids.js'
import { resolveOptions, type ResolvedOptions, type TrackerOptions } from './options.js'
import { Shard } from './shard.js'
import { presenceStats, type PresenceStats } from './stats.js'
import { checkWireMeta } from './meta-limits.js'

type Lifecycle = 'idle' | 'started' | 'stopped'

// The checks live in @plume/crdt (TrackerState runs them too); here they throw TrackerError.
function checkString(name: string, v: unknown): void {
  const problem = stringProblem(name, v)
  if (problem !== undefined) throw new TrackerError('INVALID_ARGUMENT', problem)
}

/**
 * Replicated presence tracking over a PubSub (Phoenix.Tracker).
 * @example
 * const tracker = new Tracker({ pubsub })
 * await tracker.start()
 * tracker.onDiff((topic, diff) => console.log(topic, diff))
 * const ref = tracker.track('node1:conn7:chan3', 'room:lobby', 'alice', { online_at: 1 })
 * tracker.list('room:lobby') // [['alice', { online_at: 1, phx_ref: ref }]]
 */
export class Tracker {
  /** This node's name (the PubSub node name), the replica name of every shard. */
  readonly nodeName: string
  readonly #o: ResolvedOptions
  readonly #shards: Shard[]
  readonly #listeners = new Set<DiffListener>()
  #lifecycle: Lifecycle = 'idle'
  #starting: Promise<void> | undefined

  constructor(options: TrackerOptions) {
    this.#o = resolveOptions(options)
    this.nodeName = this.#o.pubsub.nodeName
    this.#shards = []
    for (let index = 0; index < this.#o.poolSize; index++) {
      const replica = replicaRef(this.nodeName, newVsn(this.#o.random))
      this.#shards.push(
        new Shard({ index, replica, options: this.#o, emit: (t, d) => this.#emit(t, d) }),
      )
    }
    if (options.handleDiff) this.#listeners.add(options.handleDiff)
  }

  /** Starts the PubSub (idempotent) and the shards: subscriptions and heartbeat timers. */
  start(): Promise<void> {
    if (this.#lifecycle === 'stopped') {
      return Promise.reject(
        new TrackerError('STOPPED', 'a stopped tracker cannot be restarted; create a new one'),
      )
    }
    this.#starting ??= this.#start()
    return this.#starting
  }

  async #start(): Promise<void> {
    try {
      await this.#o.pubsub.start()
    } catch (error) {
      this.#starting = undefined
      throw error
    }
    if (this.#lifecycle !== 'idle') return
    for (const shard of this.#shards) shard.start()
    this.#lifecycle = 'started'
  }

  /**
   * Tracks `key` on `topic` for `owner` (a cluster-unique id of a channel or connection).
   * Returns the new presence's phx_ref.
   * @throws TrackerError ALREADY_TRACKED, NOT_STARTED, INVALID_ARGUMENT, INVALID_META (a meta
   *   the wire cannot carry; see {@link checkWireMeta})
   */
  track(owner: string, topic: string, key: string, meta: Meta): string {
    const shard = this.#writable(owner, topic, key)
    if (shard.state.getLocal(owner, topic, key)) {
      throw new TrackerError(
        'ALREADY_TRACKED',
        `already tracked: owner ${owner}, topic ${topic}, key ${key}`,
      )
    }
    const checked = checkWireMeta(meta, this.#o.maxMetaBytes)
    const phxRef = shard.nextRef()
    const full = { ...checked, phx_ref: phxRef }
    shard.state.join(owner, topic, key, full)
    shard.changed()
    this.#emit(topic, { joins: [[key, full]], leaves: [] })
    return phxRef
  }

  /** Stops tracking one presence of `owner`. A no-op when it is not tracked (or not running). */
  untrack(owner: string, topic: string, key: string): void {
    checkString('owner', owner)
    checkString('key', key)
    const shard = this.#shard(topic)
    if (this.#lifecycle !== 'started') return
    const gone = shard.state.leave(owner, topic, key)
    if (!gone) return
    shard.changed()
    shard.report([], [gone])
  }

  /** Stops tracking every presence of `owner` (call it when the channel/connection ends). Never fails for lifecycle reasons. */
  untrackAll(owner: string): void {
    checkString('owner', owner)
    if (this.#lifecycle !== 'started') return
    for (const shard of this.#shards) {
      const gone = shard.state.leaveOwner(owner)
      if (gone.length === 0) continue
      shard.changed()
      shard.report([], gone)
    }
  }

  /**
   * Replaces a presence's meta (a map, or a function of the old meta). The new meta gets a
   * fresh phx_ref and `phx_ref_prev`; listeners see one diff with the leave and the join.
   * @throws TrackerError NO_PRESENCE, NOT_STARTED, INVALID_ARGUMENT, INVALID_META
   */
  update(owner: string, topic: string, key: string, meta: Meta | ((old: Meta) => Meta)): string {
    const shard = this.#writable(owner, topic, key)
    const old = shard.state.getLocal(owner, topic, key)
    if (!old)
      throw new TrackerError(
        'NO_PRESENCE',
        `no presence: owner ${owner}, topic ${topic}, key ${key}`,
      )
    const oldMeta = old.meta as Meta
    const given = typeof meta === 'function' ? meta({ ...oldMeta }) : meta
    const next = checkWireMeta(given, this.#o.maxMetaBytes)
    const phxRef = shard.nextRef()
    const full = { ...next, phx_ref: phxRef, phx_ref_prev: oldMeta['phx_ref'] }
    shard.state.update(owner, topic, key, full)
    shard.changed()
    this.#emit(topic, { joins: [[key, full]], leaves: [[key, oldMeta]] })
    return phxRef
  }

  /** Presences of a topic as `[key, meta]`, excluding replicas considered down. */
  list(topic: string): Array<[key: string, meta: Meta]> {
    return this.#shard(topic)
      .state.list(topic)
      .map((e) => [e.key, e.meta as Meta])
  }

  /** Presences of one key of a topic as `[owner, meta]`, excluding replicas considered down. */
  getByKey(topic: string, key: string): Array<[owner: string, meta: Meta]> {
    return this.#shard(topic)
      .state.getByKey(topic, key)
      .map((e) => [e.owner, e.meta as Meta])
  }

  /** Number of presences of a topic (down replicas excluded), in O(replicas). */
  count(topic: string): number {
    return this.#shard(topic).state.count(topic)
  }

  /** Subscribes to diffs (local and remote changes, replicas up/down). Returns the disposer. */
  onDiff(listener: DiffListener): () => void {
    this.#listeners.add(listener)
    return () => {
      this.#listeners.delete(listener)
    }
  }

  /** Tells every peer to forget this node's presences now (no down period), then stops. */
  async gracefulPermdown(): Promise<void> {
    if (this.#lifecycle === 'started') for (const shard of this.#shards) shard.gracefulPermdown()
    await this.stop()
  }

  /** Stops timers and subscriptions without telling peers (they notice after downPeriod). */
  stop(): Promise<void> {
    this.#lifecycle = 'stopped'
    for (const shard of this.#shards) shard.stop()
    return Promise.resolve()
  }

  /** Number of shards (same on every node). */
  get poolSize(): number {
    return this.#o.poolSize
  }

  /** Own replica ref of a shard (`"<nodeName>#<vsn>"`). */
  replicaRef(shard = 0): string {
    return this.#shardAt(shard).state.replica
  }

  /** The liveness table of a shard: remote replicas with status and last heartbeat time. */
  replicas(shard = 0): ReplicaInfo[] {
    return [...this.#shardAt(shard).table.values()]
  }

  /** Visible presences counted per topic and per node (O(presences): for metrics, not hot paths). */
  stats(): PresenceStats {
    return presenceStats(this.#shards.map((s) => s.state))
  }

  /** Every stored presence of a topic, including those of down replicas (upstream "dirty list"). */
  dirtyList(topic: string): Array<[key: string, meta: Meta]> {
    return this.#shard(topic)
      .state.dirtyList(topic)
      .map((e) => [e.key, e.meta as Meta])
  }

  #shardAt(i: number): Shard {
    const s = this.#shards[i]
    if (!s)
      throw new TrackerError('INVALID_ARGUMENT', `no shard ${i} (poolSize ${this.#o.poolSize})`)
    return s
  }

  #shard(topic: string): Shard {
    checkString('topic', topic)
    return this.#shardAt(shardFor(topic, this.#o.poolSize))
  }

  #writable(owner: string, topic: string, key: string): Shard {
    checkString('owner', owner)
    checkString('key', key)
    const shard = this.#shard(topic)
    this.#assertStarted()
    return shard
  }

  #assertStarted(): void {
    if (this.#lifecycle === 'stopped') throw new TrackerError('STOPPED', 'the tracker is stopped')
    if (this.#lifecycle !== 'started')
      throw new TrackerError('NOT_STARTED', 'call `await tracker.start()` before tracking')
  }

  #emit(topic: string, diff: PresenceDiff): void {
    for (const listener of this.#listeners) {
      try {
        listener(topic, diff)
      } catch (error) {
        this.#o.logger.error('tracker: diff listener threw', { topic, error })
      }
    }
  }
}
