// A per-channel mailbox: tasks run one at a time in arrival order, so a channel's callbacks
// never interleave even when they are async (one actor per channel, as a Phoenix channel is
// one process). Tasks catch their own errors; the queue only guarantees order and that a
// failure never stalls it. Outside tasks (client messages, broadcasts) are offered against a
// bound so a channel that cannot keep up never queues without limit; the channel's own
// lifecycle tasks (join, exit, terminate) are always pushed.

type Task = () => Promise<void> | void

export class TaskQueue {
  #tasks: Task[] = []
  #running = false
  readonly #onError: (error: unknown) => void
  readonly #max: number

  /** `max`: tasks {@link offer} lets wait. */
  constructor(onError: (error: unknown) => void, max = Infinity) {
    this.#onError = onError
    this.#max = max
  }

  /** Tasks waiting (the running one excluded). */
  get size(): number {
    return this.#tasks.length
  }

  /** Pushes unless `max` tasks already wait; false when refused. */
  offer(task: Task): boolean {
    if (this.#tasks.length >= this.#max) return false
    this.push(task)
    return true
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
    // Drop the drained array's spare capacity: most channels sit idle for a long time.
    this.#tasks = []
  }
}
