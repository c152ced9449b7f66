// Minimal logging seam. PubSub never swallows a failure silently (a throwing handler, an
// undecodable envelope, an unknown dispatcher): it reports it to the injected Logger.

/** Structured logger; `data` carries context such as the topic or the error. */
export interface Logger {
  debug(msg: string, data?: Record<string, unknown>): void
  info(msg: string, data?: Record<string, unknown>): void
  warn(msg: string, data?: Record<string, unknown>): void
  error(msg: string, data?: Record<string, unknown>): void
}

const noop = (): void => {}

/** Discards everything. Useful in tests that assert on behaviour, not on logs. */
export const silentLogger: Logger = Object.freeze({
  debug: noop,
  info: noop,
  warn: noop,
  error: noop,
})

/* eslint-disable no-console -- this logger is the opt-in bridge to the console */
/** Writes to the global console (`console.debug/info/warn/error`). */
export const consoleLogger: Logger = Object.freeze({
  debug: (msg: string, data?: Record<string, unknown>) => console.debug(msg, data ?? ''),
  info: (msg: string, data?: Record<string, unknown>) => console.info(msg, data ?? ''),
  warn: (msg: string, data?: Record<string, unknown>) => console.warn(msg, data ?? ''),
  error: (msg: string, data?: Record<string, unknown>) => console.error(msg, data ?? ''),
})
/* eslint-enable no-console */
