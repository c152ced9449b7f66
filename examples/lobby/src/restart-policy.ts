// When the primary restarts a worker that died: always, unless workers keep dying faster
// than a limit (a worker that cannot start, e.g. a taken port, would otherwise be forked
// in a tight loop). Pure: the caller passes the clock.

/** Options of {@link RestartPolicy}. */
export interface RestartPolicyOptions {
  /** Restarts allowed within `windowMs`. @default 5 */
  maxRestarts?: number
  /** The sliding window, in ms. @default 10000 */
  windowMs?: number
}

/** Counts restarts in a sliding window and says when to give up. */
export class RestartPolicy {
  readonly #max: number
  readonly #windowMs: number
  #recent: number[] = []

  constructor(options: RestartPolicyOptions = {}) {
    this.#max = options.maxRestarts ?? 5
    this.#windowMs = options.windowMs ?? 10_000
  }

  /** Records a death at `now`; true when the worker should be restarted. */
  allow(now: number): boolean {
    this.#recent = this.#recent.filter((t) => now - t < this.#windowMs)
    if (this.#recent.length >= this.#max) return false
    this.#recent.push(now)
    return true
  }
}
