// Bounded waiting for tests: poll a condition until it holds, or race a promise against a
// deadline. Never a fixed sleep; the timeout only bounds how long a failing test hangs.
import { setTimeout as delay } from 'node:timers/promises'
import { TestkitError } from './errors.js'

/** Options of {@link waitFor}. */
export interface WaitForOptions {
  /** Failure bound in milliseconds (default 5000). */
  readonly timeoutMs?: number
  /** Pause between checks in milliseconds (default 10). */
  readonly intervalMs?: number
  /** Snapshot added to the timeout message, so a failure says what was seen last. */
  readonly describe?: () => unknown
}

/**
 * Resolves once `predicate()` holds, re-checking every `intervalMs`; rejects with a
 * `TIMEOUT` {@link TestkitError} naming `label` once `timeoutMs` has passed.
 */
export async function waitFor(
  label: string,
  predicate: () => boolean | Promise<boolean>,
  { timeoutMs = 5000, intervalMs = 10, describe }: WaitForOptions = {},
): Promise<void> {
  const deadline = performance.now() + timeoutMs
  for (;;) {
    if (await predicate()) return
    if (performance.now() > deadline) {
      const seen = describe === undefined ? '' : ` (last seen: ${JSON.stringify(describe())})`
      throw new TestkitError(
        'TIMEOUT',
        `timed out after ${timeoutMs} ms waiting for ${label}${seen}`,
      )
    }
    await delay(intervalMs)
  }
}

/** Default bound of {@link within}, in milliseconds. */
export const WITHIN_MS = 2000

/** Settles like `promise`, or rejects with a `TIMEOUT` error if it takes longer than `ms`. */
export function within<T>(promise: Promise<T>, label: string, ms = WITHIN_MS): Promise<T> {
  let timer: NodeJS.Timeout | undefined
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(
      () => reject(new TestkitError('TIMEOUT', `timed out after ${ms} ms waiting for ${label}`)),
      ms,
    )
  })
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer))
}

/** Milliseconds since `since` (a `performance.now()` reading), rounded. */
export function elapsed(since: number): number {
  return Math.round(performance.now() - since)
}
