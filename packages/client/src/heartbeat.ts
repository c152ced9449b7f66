// The socket heartbeat (see docs/client.md). The next beat is scheduled from the reply handler rather
// than by an interval, so background-tab timer throttling cannot pile up beats (phoenix #4307).
// A beat left unanswered for one interval reports a timeout.
import type { Cancel, Scheduler } from './scheduler.js'

/** @internal What the heartbeat needs from the socket. */
export interface HeartbeatHooks {
  /** Sends a heartbeat and returns its ref, or null when not connected. */
  send(): string | null
  /** The pending beat was not answered in time. */
  timeout(): void
}

/** @internal Heartbeat timers for one socket. */
export class Heartbeat {
  /** Ref of the beat awaiting its reply. */
  pendingRef: string | null = null
  // The next beat, or the deadline of the pending one: never both.
  #timer: Cancel | undefined
  readonly #scheduler: Scheduler
  readonly #intervalMs: number
  readonly #hooks: HeartbeatHooks

  constructor(scheduler: Scheduler, intervalMs: number, hooks: HeartbeatHooks) {
    this.#scheduler = scheduler
    this.#intervalMs = intervalMs
    this.#hooks = hooks
  }

  /** Stops the timer and forgets the pending beat (a late reply then restarts nothing). */
  clear(): void {
    this.#timer?.()
    this.pendingRef = null
  }

  /** Schedules the next beat one interval from now. */
  schedule(): void {
    this.#after(() => this.beat())
  }

  /** Sends a beat now and waits one interval for its reply. */
  beat(): void {
    const ref = this.#hooks.send()
    if (ref === null) return
    this.#after(() => {
      this.clear()
      this.#hooks.timeout()
    })
    this.pendingRef = ref
  }

  /** Handles a reply ref: one answering the pending beat schedules the next. */
  onReply(ref: string | null): void {
    if (ref !== null && ref === this.pendingRef) this.schedule()
  }

  // Clears, then runs `fn` one interval from now.
  #after(fn: () => void): void {
    this.clear()
    this.#timer = this.#scheduler.after(this.#intervalMs, fn)
  }
}
