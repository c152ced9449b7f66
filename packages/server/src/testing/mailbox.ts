// What a test has received, in arrival order, and bounded waits on it. An assertion takes
// the first unclaimed entry that matches (so the next one waits for the next entry), and
// a failure lists everything that did arrive, so the message says what went wrong.

import { AssertionError } from 'node:assert'
import { realDelay } from './real-time.js'

interface Entry<T> {
  readonly value: T
  claimed: boolean
}

interface Waiter<T> {
  readonly match: (value: T) => boolean
  readonly resolve: (value: T) => void
}

/** Most entries a failure message lists (the latest ones). */
const MAX_LISTED = 25

export class Mailbox<T> {
  readonly #entries: Array<Entry<T>> = []
  readonly #waiters = new Set<Waiter<T>>()
  readonly #describe: (value: T) => string

  constructor(describe: (value: T) => string) {
    this.#describe = describe
  }

  /** Every entry received so far, claimed or not. */
  get received(): readonly T[] {
    return this.#entries.map((e) => e.value)
  }

  /** Records an arrival; a waiting assertion that matches claims it at once. */
  add(value: T): void {
    const entry: Entry<T> = { value, claimed: false }
    this.#entries.push(entry)
    for (const waiter of this.#waiters) {
      if (!waiter.match(value)) continue
      entry.claimed = true
      this.#waiters.delete(waiter)
      waiter.resolve(value)
      return
    }
  }

  /** Claims the first unclaimed entry that matches, if any. */
  take(match: (value: T) => boolean): T | undefined {
    const entry = this.#entries.find((e) => !e.claimed && match(e.value))
    if (entry === undefined) return undefined
    entry.claimed = true
    return entry.value
  }

  /** Resolves with the first matching entry, or throws naming `what` and what did arrive. */
  async expect(what: string, match: (value: T) => boolean, timeoutMs: number): Promise<T> {
    const found = this.take(match)
    if (found !== undefined) return found
    const result = await this.#wait(match, timeoutMs)
    if (result.done) return result.value
    throw this.failure(`expected ${what} within ${timeoutMs} ms, but it did not arrive`)
  }

  /** Throws if a matching unclaimed entry is here now or arrives within `windowMs`. */
  async refute(what: string, match: (value: T) => boolean, windowMs: number): Promise<void> {
    const here = this.#entries.some((e) => !e.claimed && match(e.value))
    if (here || (windowMs > 0 && (await this.#wait(match, windowMs)).done))
      throw this.failure(`expected no ${what} within ${windowMs} ms, but one arrived`)
  }

  async #wait(match: (value: T) => boolean, ms: number): Promise<Raced<T>> {
    let resolve: (value: T) => void = () => {}
    const arrived = new Promise<T>((r) => (resolve = r))
    const waiter = { match, resolve }
    this.#waiters.add(waiter)
    try {
      return await raceTimeout(arrived, ms)
    } finally {
      this.#waiters.delete(waiter)
    }
  }

  /** An assertion error with `headline` and the list of arrivals. */
  failure(headline: string): AssertionError {
    const listed = this.#entries.slice(-MAX_LISTED)
    const lines = listed.map(
      (e) => `  ${this.#describe(e.value)}${e.claimed ? '  (already asserted)' : ''}`,
    )
    const skipped = this.#entries.length - listed.length
    if (skipped > 0) lines.unshift(`  … ${skipped} earlier`)
    const seen = lines.length === 0 ? 'Nothing arrived.' : `Arrived:\n${lines.join('\n')}`
    return new AssertionError({ message: `${headline}. ${seen}` })
  }
}

export type Raced<T> = { done: true; value: T } | { done: false }

/** A real-time bound: it only limits how long a failing assertion waits. */
export async function raceTimeout<T>(promise: Promise<T>, ms: number): Promise<Raced<T>> {
  const delay = realDelay(ms)
  const late = delay.done.then((): Raced<T> => ({ done: false }))
  try {
    return await Promise.race([promise.then((value) => ({ done: true, value }) as const), late])
  } finally {
    delay.cancel()
  }
}
