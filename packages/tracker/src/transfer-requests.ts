// When a shard asks peers for their state. Phoenix.Tracker samples the clocks heard in
// heartbeats and asks, every `clockSamplePeriods` ticks, the peers whose clocks hold what we
// lack; that batches requests. With eager replication the first clock a peer shows us is
// answered at once when it is ahead (a node that just joined), so a newcomer gets the
// cluster's state within a round trip plus the transfer, not after a sampled round.
import { appendClock } from '@plume/crdt'
import type { ClockEntry, ReadonlyContext, ReplicaRef } from '@plume/crdt'

/** Sends one transfer request to `ref`. */
export type SendRequest = (ref: ReplicaRef) => void

/** The clocks heard since the last sample, and the peers already seen once. */
export class TransferRequests {
  readonly #period: number
  readonly #eager: boolean
  readonly #send: SendRequest
  #pending: ClockEntry[] = []
  #countdown: number
  readonly #seen = new Set<ReplicaRef>()

  constructor(options: { clockSamplePeriods: number; eager: boolean; send: SendRequest }) {
    this.#period = options.clockSamplePeriods
    this.#countdown = options.clockSamplePeriods
    this.#eager = options.eager
    this.#send = options.send
  }

  /** A peer's clock (restricted to replicas we know) arrived; `ours` is our context. */
  heard(from: ReplicaRef, clock: ReadonlyContext, ours: ReadonlyContext): void {
    if (this.#eager && clock.size > 0 && !this.#seen.has(from)) {
      this.#seen.add(from)
      if (isAhead(clock, ours)) this.#send(from)
    }
    this.#pending = appendClock(this.#pending, [from, clock])
  }

  /** The tick: every `clockSamplePeriods` ticks, asks the peers whose clocks are maximal. */
  tick(self: ReplicaRef, ours: ReadonlyContext): void {
    if (this.#countdown > 1) {
      this.#countdown--
      return
    }
    for (const [ref] of appendClock(this.#pending, [self, ours])) if (ref !== self) this.#send(ref)
    this.#pending = []
    this.#countdown = this.#period
  }

  /** A replica is gone for good: drop its clock and forget we saw it. */
  forget(ref: ReplicaRef): void {
    this.#pending = this.#pending.filter(([r]) => r !== ref)
    this.#seen.delete(ref)
  }
}

function isAhead(clock: ReadonlyContext, ours: ReadonlyContext): boolean {
  for (const [r, c] of clock) if (c > (ours.get(r) ?? 0)) return true
  return false
}
