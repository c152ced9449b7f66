// Time, injected. Every timer of the client (pushes, heartbeats, backoff, long-poll) goes
// through a Scheduler so unit tests can run on virtual time; the default uses real timers.

/** Cancels a scheduled task; calling it twice, or after the task ran, is harmless. */
export type Cancel = () => void

/** A millisecond clock plus one-shot timers. */
export interface Scheduler {
  /** Milliseconds on a monotonic clock (used for ping round-trip times). */
  now(): number
  /** Runs `fn` once after `ms` milliseconds. */
  after(ms: number, fn: () => void): Cancel
}

/** Real time: `performance.now()` and `setTimeout`. */
export const realScheduler: Scheduler = {
  now: () => performance.now(),
  after(ms, fn) {
    const id = setTimeout(fn, ms)
    return () => clearTimeout(id)
  },
}
