// The default logger: warnings and errors to the console, debug and info dropped. Pass your
// own Logger (pino, winston, a test spy) through EndpointOptions.logger.

import type { Logger } from './types.js'

const noop = (): void => {}

/* eslint-disable no-console -- this logger is the opt-in bridge to the console */
/** Warnings and errors to `console.warn` / `console.error`; debug and info are discarded. */
export const defaultLogger: Logger = Object.freeze({
  debug: noop,
  info: noop,
  warn: (msg: string, data?: Record<string, unknown>) => console.warn(msg, data ?? ''),
  error: (msg: string, data?: Record<string, unknown>) => console.error(msg, data ?? ''),
})
/* eslint-enable no-console */

/** Discards everything. */
export const silentLogger: Logger = Object.freeze({
  debug: noop,
  info: noop,
  warn: noop,
  error: noop,
})
