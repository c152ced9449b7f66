// The clock liveness is judged by. A node whose own event loop was stalled (a long GC, a
// burst of CPU work) could not read its peers' heartbeats meanwhile: they wait unread in the
// socket. Judging peers by the wall clock right after the stall would call them all down.
// This clock does not advance while the loop was stalled: a timer that fires later than it
// should measures the stall, and that time is taken off.
import type { Scheduler } from './scheduler.js'

/** A monotonic clock that leaves out time this node's event loop was measured stalled. */
export class ResponsiveClock {
  readonly #scheduler: Scheduler
  #stalled = 0

  constructor(scheduler: Scheduler) {
    this.#scheduler = scheduler
  }

  /** Responsive time: the scheduler's time minus the stalls seen so far. */
  now(): number {
    return this.#scheduler.now() - this.#stalled
  }

  /** Total stall time measured (ms). */
  get stalledMs(): number {
    return this.#stalled
  }

  /**
   * A timer due at `dueAt` (scheduler time) fires now: lateness beyond `tolerance` was a stall
   * of this event loop, and is left out from now on.
   */
  observe(dueAt: number, tolerance: number): void {
    const late = this.#scheduler.now() - dueAt
    if (late > tolerance) this.#stalled += late - tolerance
  }
}
