// One tracker shard: owns a TrackerState, the replica liveness table and the delta
// generations, and drives them over its replication topic: local changes go out as deltas on
// the next turn (eager replication) or at the tick, heartbeats on their own light timer,
// transfer requests/acks at the tick, and down detection on a clock that leaves out this
// node's own stalls. All time comes from the injected Scheduler; every incoming message is
// validated and a malformed one is logged and dropped.
import {
  DeltaGenerations,
  detectDown,
  filterReplicas,
  heartbeat,
  permdown,
  replicaName,
  TrackerState,
} from '@plume/crdt'
import type { Entry, ReplicaRef, ReplicaTable, ReplicationMessage, Transition } from '@plume/crdt'
import type { Subscription } from '@plume/pubsub'
import { groupByTopic, type PresenceDiff } from './diff.js'
import { Heartbeats } from './heartbeats.js'
import { RefMinter } from './ids.js'
import { StaleIncarnations } from './incarnations.js'
import { ResponsiveClock } from './liveness.js'
import type { ResolvedOptions } from './options.js'
import { Outbox } from './outbox.js'
import { Reassembly, readMessage } from './parts.js'
import { TransferRequests } from './transfer-requests.js'
import type { Cancel } from './scheduler.js'
import { publishMerge, publishReplica, publishTransfer, sentAt } from './events.js'

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
  readonly #stale = new StaleIncarnations()
  readonly #clock: ResponsiveClock
  readonly #out: Outbox
  readonly #parts = new Reassembly()
  readonly #beats: Heartbeats
  readonly #requests: TransferRequests
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
    this.#requests = new TransferRequests({
      clockSamplePeriods: deps.options.clockSamplePeriods,
      eager: deps.options.eagerReplication,
      send: (ref) => this.#request(ref),
    })
    this.#gens = new DeltaGenerations(deps.options.maxDeltaSizes)
    this.#clock = new ResponsiveClock(deps.options.scheduler)
    const { pubsub, logger } = deps.options
    this.#out = new Outbox({
      pubsub,
      owner: this,
      topic: this.topic,
      replica: deps.replica,
      logger,
      scheduler: deps.options.scheduler,
    })
    const [state, gens, out, clock] = [this.state, this.#gens, this.#out, this.#clock]
    const detectDown = (): void => this.#detectDown()
    this.#beats = new Heartbeats({ state, gens, out, clock, options: this.#o, detectDown })
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
    this.#beats.start()
  }

  /** Stops timers and the subscription. Nothing is sent. */
  stop(): void {
    this.#stopped = true
    this.#cancelTick?.()
    this.#beats.stop()
    this.#sub?.unsubscribe()
  }

  /** Tells peers to forget this replica now, then stops. */
  gracefulPermdown(): void {
    if (!this.#stopped) this.#out.broadcast({ t: 'perm', from: this.state.replica })
    this.stop()
  }

  /** A local change: with eager replication, its delta goes out on the next turn. */
  changed(): void {
    this.#beats.changed()
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
    this.#beats.tick()
    this.#requests.tick(this.state.replica, this.state.context)
    // With the heartbeat timer on, detection runs there, after it measured any stall.
    if (this.#o.heartbeatPeriod === 0) this.#detectDown()
    this.#parts.expire(this.#clock.now() - 2 * this.#o.clockSamplePeriods * this.#o.broadcastPeriod)
    this.#schedule(this.#o.broadcastPeriod)
  }

  #detectDown(): void {
    const now = this.#clock.now()
    const { table, transitions } = detectDown(this.#table, now, this.#o)
    this.#table = table
    for (const t of transitions) if (t.kind === 'permdown') this.#stale.silenced.set(t.ref, now)
    this.#apply(transitions)
    this.#stale.expire(now, this.#o.permdownPeriod)
  }

  #apply(transitions: readonly Transition[]): void {
    for (const t of transitions) {
      publishReplica(this.#o, this.index, t)
      switch (t.kind) {
        case 'up':
          this.report(this.state.replicaUp(t.ref), [])
          this.#beats.announce()
          break
        case 'down':
          this.report([], this.state.replicaDown(t.ref))
          break
        case 'permdown':
          this.report([], this.state.removeReplica(t.ref))
          this.#gens.prune(t.ref)
          this.#requests.forget(t.ref)
          break
      }
    }
  }

  #onMessage(raw: unknown): void {
    if (this.#stopped) return
    let msg: ReplicationMessage
    try {
      const read = readMessage(raw, this.#parts, this.#clock.now())
      if (read === undefined) return
      msg = read
    } catch (error) {
      this.#o.logger.warn('tracker: dropped malformed replication message', {
        topic: this.topic,
        error,
      })
      return
    }
    // Never replicate with ourselves (a late message from our previous incarnation included),
    // nor with an incarnation that has been replaced, gracefully permdowned or superseded.
    const { from } = msg
    if (replicaName(from) === this.#o.pubsub.nodeName || this.#stale.isStale(from, this.#table))
      return
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
    const now = this.#clock.now()
    const update = heartbeat(this.#table, m.from, now)
    this.#table = update.table
    for (const t of update.transitions)
      if (t.kind === 'permdown') this.#stale.replaced.set(t.ref, now)
    this.#apply(update.transitions)
    if (m.delta) {
      const changes = this.state.merge(m.delta)
      this.report(changes.joins, changes.leaves)
      publishMerge(this.#o, this.index, m.from, changes, this.#handlingSentAt)
      this.#gens.push(m.delta, this.state.delta)
    }
    // Only replicas we know matter: a transfer never carries others (ghost rule), so a
    // clock dominating ours only through them would trigger useless transfers forever.
    const clock = filterReplicas(m.clock, this.state.context.keys())
    this.#requests.heard(m.from, clock, this.state.context)
  }

  #request(ref: ReplicaRef): void {
    const clock = this.state.clock()
    const msg: ReplicationMessage = {
      t: 'treq',
      from: this.state.replica,
      ref: `${++this.#requestSeq}`,
      clock,
    }
    this.#out.direct(replicaName(ref), msg)
    publishTransfer(this.#o, this.index, ref, 'requested')
  }

  #onTransferReq(m: Extract<ReplicationMessage, { t: 'treq' }>): void {
    const payload = this.#gens.extractFor(this.state, m.clock)
    this.#out.direct(replicaName(m.from), {
      t: 'tack',
      from: this.state.replica,
      ref: m.ref,
      payload,
    })
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
    this.#stale.retired.set(m.from, this.#clock.now())
    this.#apply(update.transitions)
  }
}
