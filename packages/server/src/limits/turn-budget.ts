// Fairness between connections inside one event-loop turn. Node runs every callback of a
// turn to the end: when 25 sockets each deliver a join in the same poll, all 25 joins (and
// their presence_state encodes) run before the loop reads anything else, so a heartbeat that
// arrived meanwhile waits tens of milliseconds for its reply. A TurnBudget lets inbound work
// run until `sliceMs` of the turn are spent; later work waits in a FIFO that runs in slices
// of the same length, each after the loop has polled the sockets again (setImmediate), so
// heartbeats and other quick frames are answered between slices.

type Task = () => Promise<void> | void

/** Runs `task` at once; a synchronous throw becomes a rejection, as for a deferred task. */
async function runNow(task: Task): Promise<void> {
  // async: a synchronous throw rejects. Awaiting adds no turn, only microtasks.
  return task()
}

/** Shared by the connections of one mounted socket; `sliceMs: Infinity` turns it off. */
export class TurnBudget {
  readonly #sliceMs: number
  readonly #now: () => number
  readonly #waiting: Array<{ task: Task; done: (result: Promise<void>) => void }> = []
  #sliceStart: number | undefined
  #turnEnd: Promise<void> | undefined
  #draining = false

  constructor(sliceMs: number, now: () => number = () => performance.now()) {
    this.#sliceMs = sliceMs
    this.#now = now
  }

  /** Tasks waiting for a later slice. */
  get waiting(): number {
    return this.#waiting.length
  }

  /** Runs `task` now while this turn has budget and nothing waits; otherwise after those. */
  run(task: Task): Promise<void> {
    if (this.#sliceMs === Infinity) return runNow(task)
    if (this.#waiting.length === 0 && this.#hasBudget()) return runNow(task)
    return new Promise<void>((done) => {
      this.#waiting.push({ task, done })
      void this.#drain()
    })
  }

  #hasBudget(): boolean {
    if (this.#sliceStart === undefined) {
      this.#sliceStart = this.#now()
      // The turn's slice ends once this turn's callbacks have run.
      void this.#nextTurn().then(() => {
        if (!this.#draining) this.#sliceStart = undefined
      })
    }
    return this.#now() - this.#sliceStart < this.#sliceMs
  }

  /** Settles in the check phase of this loop turn, after its I/O callbacks. */
  #nextTurn(): Promise<void> {
    this.#turnEnd ??= new Promise((resolve) =>
      setImmediate(() => {
        this.#turnEnd = undefined
        resolve()
      }),
    )
    return this.#turnEnd
  }

  async #drain(): Promise<void> {
    if (this.#draining) return
    this.#draining = true
    await this.#nextTurn()
    this.#sliceStart = this.#now()
    for (let next = this.#waiting.shift(); next !== undefined; next = this.#waiting.shift()) {
      const result = Promise.resolve().then(next.task)
      next.done(result)
      // A task that waits on real I/O must not hold the queue: move on at the turn's end.
      await Promise.race([result.catch(() => {}), this.#nextTurn()])
      if (this.#now() - this.#sliceStart >= this.#sliceMs) {
        await this.#nextTurn()
        this.#sliceStart = this.#now()
      }
    }
    this.#draining = false
    this.#sliceStart = undefined
  }
}
