// One tracker shard (spec §4.1–§4.12): owns a TrackerState, the replica liveness table and
// the delta generations, and drives them with heartbeats, transfer requests/acks and down
// detection over its replication topic. All time comes from the injected Scheduler; every
// incoming message is validated and a malformed one is logged and dropped.
import {
  appendClock,
  decodeMessage,
  DeltaGenerations,
  detectDown,
  encodeMessage,
  filterReplicas,
  heartbeat,
  isDeltaEmpty,
  permdown,
  replicaName,
  TrackerState,
} from '@plume/crdt'
import type {
  ClockEntry,
  Entry,
  ReplicaRef,
  ReplicaTable,
  ReplicationMessage,
  Transition,
} from '@plume/crdt'
import type { Subscription } from '@plume/pubsub'
import { groupByTopic, type PresenceDiff } from './diff.js'
import { RefMinter } from './ids.js'
import type { ResolvedOptions } from './options.js'
import type { Cancel } from './scheduler.js'
import { publishMerge, publishReplica, publishTransfer, sentAt, stamped } from './events.js'

/** What a shard needs from its tracker. */
export interface ShardDeps {
  readonly index: number
  readonly replica: ReplicaRef
  readonly options: ResolvedOptions
  readonly emit: (topic: string, diff: PresenceDiff) => void
}

type Handlers = {
  [K in ReplicationMessage['t']]: (m: Extract<ReplicationMessage, { t: K }>) => void
}

/** A shard of the tracker pool. Single owner of its state; all methods are synchronous. */
export class Shard {
  readonly state: TrackerState
  readonly topic: string
  readonly index: number
  readonly #o: ResolvedOptions
  readonly #emit: ShardDeps['emit']
  readonly #refs: RefMinter
  #table: ReplicaTable = new Map()
  readonly #gens: DeltaGenerations
  #pending: ClockEntry[] = []
  /** Incarnations that announced a graceful permdown: their late messages are stale. */
  readonly #retired = new Map<ReplicaRef, number>()
  /**
   * Incarnations replaced by another one of the same node (a restart). Vsns are not
   * ordered, so the replacement is a guess: a late heartbeat of an older incarnation that
   * we never knew also "replaces" the live one. Hence they are stale only while the
   * incarnation that replaced them is up; a live one is back within downPeriod.
   */
  readonly #replaced = new Map<ReplicaRef, number>()
  /**
   * Incarnations permdowned for silence. They may come back (a netsplit longer than
   * permdownPeriod), but not while another incarnation of the node is up.
   */
  readonly #silenced = new Map<ReplicaRef, number>()
  #silent: number
  #sampleCount: number
  #requestSeq = 0
  #sub: Subscription | undefined
  #cancelTick: Cancel | undefined
  #stopped = false
  /** Send stamp of the message being handled, for the merge event. */
  #handlingSentAt: number | undefined

  constructor(deps: ShardDeps) {
    this.index = deps.index
    this.#o = deps.options
    this.#emit = deps.emit
    this.state = new TrackerState(deps.replica)
    this.#refs = new RefMinter(deps.replica, deps.options.random)
    this.topic = `phx_presence:${deps.options.name}_shard${deps.index}`
    this.#silent = deps.options.maxSilentPeriods
    this.#sampleCount = deps.options.clockSamplePeriods
    this.#gens = new DeltaGenerations(deps.options.maxDeltaSizes)
  }

  /** The liveness table (node name → replica). */
  get table(): ReplicaTable {
    return this.#table
  }

  /** A fresh phx_ref, unique in the cluster. */
  nextRef(): string {
    return this.#refs.next()
  }

  /** Subscribes to the replication topic and schedules the first tick (random jitter). */
  start(): void {
    this.#sub = this.#o.pubsub.subscribe(this.topic, (msg) => this.#onMessage(msg), { owner: this })
    this.#schedule(this.#o.random() * 0.25 * this.#o.broadcastPeriod)
  }

  /** Stops timers and the subscription. Nothing is sent. */
  stop(): void {
    this.#stopped = true
    this.#cancelTick?.()
    this.#sub?.unsubscribe()
  }

  /** Tells peers to forget this replica now, then stops. */
  gracefulPermdown(): void {
    if (!this.#stopped) this.#broadcast({ t: 'perm', from: this.state.replica })
    this.stop()
  }

  /** Reports CRDT changes as per-topic diffs. */
  report(joins: readonly Entry[], leaves: readonly Entry[]): void {
    for (const [topic, diff] of groupByTopic(joins, leaves)) this.#emit(topic, diff)
  }

  #schedule(ms: number): void {
    this.#cancelTick = this.#o.scheduler.after(ms, () => this.#tick())
  }

  #tick(): void {
    if (this.#stopped) return
    this.#heartbeat()
    this.#sampleTransfers()
    this.#detectDown()
    this.#schedule(this.#o.broadcastPeriod)
  }

  #heartbeat(): void {
    const from = this.state.replica
    if (!isDeltaEmpty(this.state.delta)) {
      const clock = this.state.gossipClock()
      const delta = this.state.resetDelta()
      this.#broadcast({ t: 'hb', from, delta, clock })
      this.#silent = 0
      this.#gens.push(delta, this.state.delta)
    } else if (this.#silent >= this.#o.maxSilentPeriods) {
      this.#broadcast({ t: 'hb', from, delta: null, clock: this.state.gossipClock() })
      this.#silent = 0
    } else {
      this.#silent++
    }
  }

  #sampleTransfers(): void {
    if (this.#sampleCount > 1) {
      this.#sampleCount--
      return
    }
    const self = this.state.replica
    const clock = this.state.clock()
    for (const [ref] of appendClock(this.#pending, [self, clock])) {
      if (ref === self) continue
      const msg: ReplicationMessage = { t: 'treq', from: self, ref: `${++this.#requestSeq}`, clock }
      this.#direct(replicaName(ref), msg)
      publishTransfer(this.#o, this.index, ref, 'requested')
    }
    this.#pending = []
    this.#sampleCount = this.#o.clockSamplePeriods
  }

  #detectDown(): void {
    const now = this.#o.scheduler.now()
    const { table, transitions } = detectDown(this.#table, now, this.#o)
    this.#table = table
    for (const t of transitions) if (t.kind === 'permdown') this.#silenced.set(t.ref, now)
    this.#apply(transitions)
    for (const stale of [this.#retired, this.#replaced, this.#silenced])
      for (const [ref, at] of stale) if (now - at > this.#o.permdownPeriod) stale.delete(ref)
  }

  /** A late message of a gracefully permdowned, replaced or forgotten incarnation. */
  #isStale(ref: ReplicaRef): boolean {
    if (this.#retired.has(ref)) return true
    const replaced = this.#replaced.has(ref)
    if (!replaced && !this.#silenced.has(ref)) return false
    const current = this.#table.get(replicaName(ref))
    if (current === undefined) return replaced
    return current.ref !== ref && current.status === 'up'
  }

  #apply(transitions: readonly Transition[]): void {
    for (const t of transitions) {
      publishReplica(this.#o, this.index, t)
      switch (t.kind) {
        case 'up':
          this.report(this.state.replicaUp(t.ref), [])
          break
        case 'down':
          this.report([], this.state.replicaDown(t.ref))
          break
        case 'permdown':
          this.report([], this.state.removeReplica(t.ref))
          this.#gens.prune(t.ref)
          this.#pending = this.#pending.filter(([r]) => r !== t.ref)
          break
      }
    }
  }

  #onMessage(raw: unknown): void {
    if (this.#stopped) return
    let msg: ReplicationMessage
    try {
      msg = decodeMessage(raw)
    } catch (error) {
      this.#o.logger.warn('tracker: dropped malformed replication message', {
        topic: this.topic,
        error,
      })
      return
    }
    // Never replicate with ourselves (a late message from our previous incarnation included),
    // nor with an incarnation that has been replaced, gracefully permdowned or superseded.
    if (replicaName(msg.from) === this.#o.pubsub.nodeName || this.#isStale(msg.from)) return
    this.#handlingSentAt = sentAt(raw)
    this.#dispatch(msg)
  }

  readonly #handlers: Handlers = {
    hb: (m) => this.#onHeartbeat(m),
    treq: (m) => this.#onTransferReq(m),
    tack: (m) => this.#onTransferAck(m),
    perm: (m) => this.#onPermdown(m),
  }

  #dispatch(msg: ReplicationMessage): void {
    try {
      ;(this.#handlers[msg.t] as (m: ReplicationMessage) => void)(msg)
    } catch (error) {
      // A bug must not silence the shard: report it on the tracker's own logger.
      this.#o.logger.error('tracker: failed to handle a replication message', {
        topic: this.topic,
        t: msg.t,
        error,
      })
    }
  }

  #onHeartbeat(m: Extract<ReplicationMessage, { t: 'hb' }>): void {
    const update = heartbeat(this.#table, m.from, this.#o.scheduler.now())
    this.#table = update.table
    for (const t of update.transitions)
      if (t.kind === 'permdown') this.#replaced.set(t.ref, this.#o.scheduler.now())
    this.#apply(update.transitions)
    if (m.delta) {
      const changes = this.state.merge(m.delta)
      this.report(changes.joins, changes.leaves)
      publishMerge(this.#o, this.index, m.from, changes, this.#handlingSentAt)
      this.#gens.push(m.delta, this.state.delta)
    }
    // Only replicas we know matter: a transfer never carries others (ghost rule), so a
    // clock dominating ours only through them would trigger useless transfers forever.
    this.#pending = appendClock(this.#pending, [
      m.from,
      filterReplicas(m.clock, this.state.context.keys()),
    ])
  }

  #onTransferReq(m: Extract<ReplicationMessage, { t: 'treq' }>): void {
    const payload = this.#gens.extractFor(this.state, m.clock)
    this.#direct(replicaName(m.from), { t: 'tack', from: this.state.replica, ref: m.ref, payload })
    publishTransfer(this.#o, this.index, m.from, 'answered')
  }

  #onTransferAck(m: Extract<ReplicationMessage, { t: 'tack' }>): void {
    const changes = this.state.merge(m.payload)
    this.report(changes.joins, changes.leaves)
    publishTransfer(this.#o, this.index, m.from, 'received')
    publishMerge(this.#o, this.index, m.from, changes, this.#handlingSentAt)
    if (m.payload.mode === 'normal') this.#gens.clear()
    else this.#gens.push(m.payload, this.state.delta)
  }

  #onPermdown(m: Extract<ReplicationMessage, { t: 'perm' }>): void {
    const update = permdown(this.#table, m.from)
    this.#table = update.table
    // Even when unknown here: the goodbye may overtake the incarnation's first heartbeat.
    this.#retired.set(m.from, this.#o.scheduler.now())
    this.#apply(update.transitions)
  }

  #broadcast(msg: ReplicationMessage): void {
    const wire = stamped(encodeMessage(msg), this.#o.scheduler)
    this.#o.pubsub.broadcastFrom(this, this.topic, wire).catch((error: unknown) => {
      this.#o.logger.warn('tracker: broadcast failed', { topic: this.topic, t: msg.t, error })
    })
  }

  #direct(node: string, msg: ReplicationMessage): void {
    const wire = stamped(encodeMessage(msg), this.#o.scheduler)
    this.#o.pubsub.directBroadcast(node, this.topic, wire).catch((error: unknown) => {
      this.#o.logger.warn('tracker: direct send failed', {
        topic: this.topic,
        node,
        t: msg.t,
        error,
      })
    })
  }
}
