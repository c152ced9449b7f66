// Runs async steps concurrently but releases their results strictly in submission order,
// the way Phoenix parks each fetch task until its predecessors are done. A
// failing step does not stall the queue: its error goes to `onError` and the next runs.

/** An ordered pipeline: `push(work, emit)` starts `work` now and calls `emit` in order. */
export class OrderedQueue {
  #tail: Promise<void> = Promise.resolve()
  readonly #onError: (error: unknown) => void

  constructor(onError: (error: unknown) => void) {
    this.#onError = onError
  }

  push<T>(work: () => Promise<T> | T, emit: (value: T) => void): void {
    const started = Promise.resolve().then(work)
    // Handled here too: a step may fail while an earlier one is still pending, before the
    // chain below reaches it, and Node would report that as an unhandled rejection.
    started.catch(() => undefined)
    this.#tail = this.#tail
      .then(() => started)
      .then(emit)
      .catch((error: unknown) => this.#report(error))
  }

  #report(error: unknown): void {
    try {
      this.#onError(error)
    } catch {
      // A throwing error handler must not reject the tail and stall every later step.
    }
  }

  /** Resolves once everything pushed so far has been emitted. */
  idle(): Promise<void> {
    return this.#tail
  }
}
