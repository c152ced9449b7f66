// Time, injected. Nothing in the tracker (or the server) reads the wall clock or arms a
// timer directly: production code gets `systemScheduler`, tests a `ManualScheduler` that
// advances virtual time and runs due tasks in order, so timing tests are deterministic.

/** Cancels a scheduled task; calling it twice, or after the task ran, is harmless. */
export type Cancel = () => void

/** A monotonic millisecond clock plus one-shot timers. */
export interface Scheduler {
  /** Milliseconds on a monotonic clock. */
  now(): number
  /** Runs `fn` once after `ms` milliseconds. */
  after(ms: number, fn: () => void): Cancel
}

/** The real clock (`performance.now`) and real timers (unref'd so they never hold the process open). */
export const systemScheduler: Scheduler = {
  now: () => performance.now(),
  after(ms, fn) {
    const timer = setTimeout(fn, ms)
    timer.unref()
    return () => clearTimeout(timer)
  },
}

interface Task {
  at: number
  seq: number
  fn: () => void
  cancelled: boolean
}

/** Virtual time for tests: nothing happens until `advance` or `runAll` is called. */
export class ManualScheduler implements Scheduler {
  #now: number
  #seq = 0
  #tasks: Task[] = []

  constructor(start = 0) {
    this.#now = start
  }

  now(): number {
    return this.#now
  }

  after(ms: number, fn: () => void): Cancel {
    const task: Task = { at: this.#now + Math.max(0, ms), seq: this.#seq++, fn, cancelled: false }
    this.#tasks.push(task)
    return () => {
      task.cancelled = true
    }
  }

  /** Number of tasks still waiting. */
  get pending(): number {
    return this.#tasks.filter((t) => !t.cancelled).length
  }

  /** Moves time forward by `ms`, running every task that falls due, in time order. */
  advance(ms: number): void {
    const until = this.#now + ms
    for (let task = this.#next(until); task; task = this.#next(until)) {
      this.#now = task.at
      task.fn()
    }
    this.#now = until
  }

  #next(until: number): Task | undefined {
    this.#tasks = this.#tasks.filter((t) => !t.cancelled)
    let best: Task | undefined
    for (const t of this.#tasks) {
      if (t.at <= until && (!best || t.at < best.at || (t.at === best.at && t.seq < best.seq)))
        best = t
    }
    if (best) this.#tasks.splice(this.#tasks.indexOf(best), 1)
    return best
  }
}
