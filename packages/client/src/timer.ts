// A retry timer with backoff: each firing bumps `tries`, and the next delay comes from
// `timerCalc(tries + 1)`. Used for socket reconnects and channel rejoins.
import { realScheduler, type Cancel, type Scheduler } from './scheduler.js'

/** Schedules `callback` after `timerCalc(tries + 1)` ms; `reset()` clears the tries. */
export class Timer {
  /** How many times the callback fired since the last reset. */
  tries = 0
  #cancel: Cancel | undefined
  readonly #callback: () => void
  readonly #timerCalc: (tries: number) => number
  readonly #scheduler: Scheduler

  constructor(
    callback: () => void,
    timerCalc: (tries: number) => number,
    scheduler: Scheduler = realScheduler,
  ) {
    this.#callback = callback
    this.#timerCalc = timerCalc
    this.#scheduler = scheduler
  }

  /** Cancels the pending run and forgets the tries. */
  reset(): void {
    this.tries = 0
    this.cancel()
  }

  /** Cancels the pending run but keeps the tries (the backoff continues from there). */
  cancel(): void {
    this.#cancel?.()
    this.#cancel = undefined
  }

  /** (Re)arms the timer; an already pending run is replaced, never doubled. */
  scheduleTimeout(): void {
    this.cancel()
    this.#cancel = this.#scheduler.after(this.#timerCalc(this.tries + 1), () => {
      this.#cancel = undefined
      this.tries += 1
      this.#callback()
    })
  }
}
