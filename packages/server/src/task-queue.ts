// A per-channel mailbox: tasks run one at a time in arrival order, so a channel's callbacks
// never interleave even when they are async (one actor per channel, as a Phoenix channel is
// one process). Tasks catch their own errors; the queue only guarantees order and that a
// failure never stalls it.

type Task = () => Promise<void> | void

export class TaskQueue {
  #tasks: Task[] = []
  #running = false
  readonly #onError: (error: unknown) => void

  constructor(onError: (error: unknown) => void) {
    this.#onError = onError
  }

  push(task: Task): void {
    this.#tasks.push(task)
    if (!this.#running) {
      this.#running = true
      // Start on a microtask so a push made from inside a dispatch never re-enters it.
      queueMicrotask(() => void this.#drain())
    }
  }

  /** Drops every task not yet started (the running one finishes). */
  clear(): void {
    this.#tasks = []
  }

  async #drain(): Promise<void> {
    for (let task = this.#tasks.shift(); task !== undefined; task = this.#tasks.shift()) {
      try {
        await task()
      } catch (error) {
        this.#onError(error)
      }
    }
    this.#running = false
  }
}
