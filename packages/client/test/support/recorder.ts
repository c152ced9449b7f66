// An event transcript that tests can await: `until(pred)` resolves with the first entry
// (at or after `from`) matching, or rejects after a bounded wait. No sleeps.
import { isDeepStrictEqual } from 'node:util'

export type Entry = unknown[]

export class Recorder {
  readonly entries: Entry[] = []
  #waiters: Array<() => void> = []

  add(...entry: Entry): void {
    this.entries.push(entry)
    for (const wake of this.#waiters.splice(0)) wake()
  }

  /** Waits for an entry equal to `expected` (deep), searching from index `from`. */
  wait(expected: Entry, from = 0, ms = 4000): Promise<number> {
    return this.until((e) => isDeepStrictEqual(e, expected), JSON.stringify(expected), from, ms)
  }

  /** Waits for an entry matching `pred`; resolves with its index. */
  until(pred: (e: Entry) => boolean, label: string, from = 0, ms = 4000): Promise<number> {
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        reject(new Error(`timed out waiting for ${label}; got ${JSON.stringify(this.entries)}`))
      }, ms)
      const check = (): void => {
        const i = this.entries.findIndex((e, idx) => idx >= from && pred(e))
        if (i === -1) return void this.#waiters.push(check)
        clearTimeout(timer)
        resolve(i)
      }
      check()
    })
  }
}
