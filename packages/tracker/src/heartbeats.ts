// The sending side of a shard's replication: local deltas (eagerly on the next turn, or at
// the tick), and liveness heartbeats on their own light timer. Phoenix.Tracker instead sends
// deltas only at the tick and forces an empty heartbeat every maxSilentPeriods ticks; with
// `eagerReplication: false, heartbeatPeriod: 0` this class does exactly that.
import { isDeltaEmpty } from '@plume/crdt'
import type { Context, Delta, DeltaGenerations, TrackerState } from '@plume/crdt'
import type { ResponsiveClock } from './liveness.js'
import type { ResolvedOptions } from './options.js'
import type { Outbox } from './outbox.js'
import type { Cancel } from './scheduler.js'

/** What the heartbeat side needs from its shard. */
export interface HeartbeatDeps {
  readonly state: TrackerState
  readonly gens: DeltaGenerations
  readonly out: Outbox
  readonly clock: ResponsiveClock
  readonly options: ResolvedOptions
  /** Down detection, run by the heartbeat timer right after it measured any stall. */
  readonly detectDown: () => void
}

/** Deltas and heartbeats of one shard. */
export class Heartbeats {
  readonly #d: HeartbeatDeps
  readonly #o: ResolvedOptions
  #silent: number
  #cancelBeat: Cancel | undefined
  #flushing: Cancel | undefined
  #announcing: Cancel | undefined
  /** A heartbeat went out since the last beat: the beat need not send one. */
  #sentSinceBeat = false
  /** When the last heartbeat carrying the full clock went out (scheduler time). */
  #clockSentAt = -Infinity
  #stopped = false

  constructor(deps: HeartbeatDeps) {
    this.#d = deps
    this.#o = deps.options
    this.#silent = deps.options.maxSilentPeriods
  }

  /**
   * Arms the heartbeat timer (when `heartbeatPeriod` > 0). With eager replication a first
   * heartbeat goes out on the next turn: peers see the new node at once and answer with
   * their clocks (see {@link announce}) instead of leaving it to find them one period later.
   */
  start(): void {
    if (this.#o.heartbeatPeriod > 0) this.#scheduleBeat()
    this.announce()
  }

  stop(): void {
    this.#stopped = true
    this.#cancelBeat?.()
    this.#flushing?.()
    this.#announcing?.()
  }

  /**
   * A peer came up: with eager replication, our full clock goes out on the next turn (one
   * heartbeat for every peer seen that turn), so a joining node can ask for our state at
   * once instead of waiting for the next clock-carrying beat and transfer sample.
   */
  announce(): void {
    if (!this.#o.eagerReplication || this.#announcing !== undefined || this.#stopped) return
    this.#announcing = this.#o.scheduler.after(0, () => {
      this.#announcing = undefined
      if (this.#stopped) return
      this.#clockSentAt = -Infinity
      if (!this.#sendDelta()) this.#send(null)
    })
  }

  /** A local change: with eager replication, its delta goes out on the next turn. */
  changed(): void {
    if (!this.#o.eagerReplication || this.#flushing !== undefined || this.#stopped) return
    this.#flushing = this.#o.scheduler.after(0, () => {
      this.#flushing = undefined
      if (!this.#stopped) this.#sendDelta()
    })
  }

  /** The tick's part: the pending delta, or (heartbeat timer off) a forced empty heartbeat. */
  tick(): void {
    if (this.#sendDelta()) return
    if (this.#o.heartbeatPeriod > 0) return // liveness is the heartbeat timer's job
    if (this.#silent >= this.#o.maxSilentPeriods) this.#send(null)
    else this.#silent++
  }

  #scheduleBeat(): void {
    const period = this.#o.heartbeatPeriod
    const dueAt = this.#o.scheduler.now() + period
    this.#cancelBeat = this.#o.scheduler.after(period, () => this.#beat(dueAt))
  }

  // Kept light on purpose, so it never queues behind the tick's transfer work.
  #beat(dueAt: number): void {
    if (this.#stopped) return
    this.#d.clock.observe(dueAt, this.#o.heartbeatPeriod)
    if (!this.#sentSinceBeat) this.#send(null)
    this.#sentSinceBeat = false
    this.#d.detectDown()
    this.#scheduleBeat()
  }

  /** Sends the pending local delta, if any; true when it did. */
  #sendDelta(): boolean {
    const { state, gens } = this.#d
    if (isDeltaEmpty(state.delta)) return false
    const delta = state.resetDelta()
    this.#send(delta)
    gens.push(delta, state.delta)
    return true
  }

  #send(delta: Delta | null): void {
    const { state, out } = this.#d
    out.broadcast({ t: 'hb', from: state.replica, delta, clock: this.#clock(delta) })
    this.#silent = 0
    this.#sentSinceBeat = true
  }

  // Peers need our clock once per tick to decide on transfers; a liveness beat in between
  // carries an empty one (receivers ignore empty clocks), which keeps idle traffic small.
  #clock(delta: Delta | null): Context {
    const now = this.#o.scheduler.now()
    if (delta === null && now - this.#clockSentAt < this.#o.broadcastPeriod) return new Map()
    this.#clockSentAt = now
    return this.#d.state.gossipClock()
  }
}
