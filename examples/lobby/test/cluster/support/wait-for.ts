// Bounded waiting for the cluster tests: re-check a condition every few milliseconds until
// it holds or the deadline passes. Never a fixed sleep; the timeout is only the failure bound.
import { setTimeout as delay } from 'node:timers/promises'

const POLL_MS = 10

/**
 * Resolves once `predicate()` is true; rejects after `timeoutMs` with `what` and, when
 * given, the `detail()` snapshot that explains the failure.
 */
export async function waitFor(
  predicate: () => boolean,
  timeoutMs: number,
  what: string,
  detail?: () => unknown,
): Promise<void> {
  const deadline = performance.now() + timeoutMs
  while (!predicate()) {
    if (performance.now() > deadline) {
      const extra = detail === undefined ? '' : `: ${JSON.stringify(detail())}`
      throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}${extra}`)
    }
    await delay(POLL_MS)
  }
}

/** Milliseconds since `since` (a `performance.now()` reading), rounded. */
export function elapsed(since: number): number {
  return Math.round(performance.now() - since)
}
