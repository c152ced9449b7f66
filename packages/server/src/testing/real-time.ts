// The real timers the assertions' bounds use, captured when this module loads: a test that
// installs a runner's fake timers afterwards (Jest, Vitest) still gets bounded waits, and
// virtual time stays the job of the injected scheduler.

const { setTimeout: realSetTimeout, clearTimeout: realClearTimeout } = globalThis
const { setImmediate: realSetImmediate } = globalThis

/** Resolves after `ms` real milliseconds; the returned cancel stops it. */
export function realDelay(ms: number): { done: Promise<void>; cancel: () => void } {
  let timer: ReturnType<typeof realSetTimeout> | undefined
  const done = new Promise<void>((resolve) => (timer = realSetTimeout(resolve, ms)))
  return { done, cancel: () => realClearTimeout(timer) }
}

/** Resolves after one event-loop turn (every pending microtask has run). */
export function nextTurn(): Promise<void> {
  return new Promise((resolve) => realSetImmediate(resolve))
}
