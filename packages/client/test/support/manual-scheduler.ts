// Virtual time for client tests (the client may not import @plume/tracker's scheduler):
// nothing runs until `advance`/`tick` is called; due tasks run in time order.
import type { Cancel, Scheduler } from '@plume/client'

interface Task {
  at: number
  seq: number
  fn: () => void
  cancelled: boolean
}

export class ManualScheduler implements Scheduler {
  #now = 0
  #seq = 0
  #tasks: Task[] = []

  now(): number {
    return this.#now
  }

  after(ms: number, fn: () => void): Cancel {
    const task = { at: this.#now + Math.max(0, ms), seq: this.#seq++, fn, cancelled: false }
    this.#tasks.push(task)
    return () => {
      task.cancelled = true
    }
  }

  /** Live (not cancelled) tasks. */
  get pending(): number {
    return this.#tasks.filter((t) => !t.cancelled).length
  }

  /** Runs tasks due within `ms` from now (including ones they schedule), then sets the clock. */
  advance(ms: number): void {
    const until = this.#now + ms
    for (let i = 0; i < 100_000; i++) {
      const task = this.#next(until)
      if (!task) break
      this.#now = task.at
      task.fn()
    }
    this.#now = until
  }

  /** Runs everything due now (zero-delay tasks). */
  tick(): void {
    this.advance(0)
  }

  #next(until: number): Task | undefined {
    this.#tasks = this.#tasks.filter((t) => !t.cancelled)
    let best: Task | undefined
    for (const t of this.#tasks) {
      if (t.at <= until && (!best || t.at < best.at || (t.at === best.at && t.seq < best.seq))) {
        best = t
      }
    }
    if (best) this.#tasks.splice(this.#tasks.indexOf(best), 1)
    return best
  }
}
