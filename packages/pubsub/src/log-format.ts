// A leveled console logger with one line per event, as text or JSON, and the bridge that
// plugs a pino-compatible logger into Plume. Plume calls `logger.warn(msg, data)`; pino-style
// loggers take `(obj, msg)`: `createLogger`'s result accepts both, `fromPino` converts.
import type { Logger } from './logger.js'

/** Severity, lowest first; `silent` drops everything. */
export type LogLevel = 'debug' | 'info' | 'warn' | 'error' | 'silent'

const RANK: Record<LogLevel, number> = { debug: 10, info: 20, warn: 30, error: 40, silent: 99 }

/** One level method of a pino-compatible logger: `(obj, msg?)` or `(msg)`. */
export interface PinoLogFn {
  (obj: object, msg?: string): void
  (msg: string): void
}

/** The subset of pino's interface Plume uses; pino, and loggers shaped like it, fit. */
export interface PinoLike {
  debug: PinoLogFn
  info: PinoLogFn
  warn: PinoLogFn
  error: PinoLogFn
}

/** A logger taking both Plume's `(msg, data)` and pino's `(obj, msg)` calls. */
export type LeveledLogger = Logger & PinoLike & { readonly level: LogLevel }

/** Options of {@link createLogger}. */
export interface CreateLoggerOptions {
  /** Lowest level written. @default 'info' */
  level?: LogLevel
  /** `text`: `time LEVEL msg key=value…`; `json`: one JSON object per line. @default 'text' */
  format?: 'text' | 'json'
  /** Fields added to every line, e.g. `{ node: 'web-1' }`. */
  base?: Record<string, unknown>
  /** Where lines go. @default stdout for debug/info, stderr for warn/error */
  write?: (line: string, level: LogLevel) => void
  /** Epoch milliseconds for the `time` field. @default Date.now */
  now?: () => number
}

type Level = Exclude<LogLevel, 'silent'>

/**
 * A console logger with levels and one line per call. Errors in the data print as
 * `{type, message, code}`; only at level `error` (a bug, not a client's mistake) they keep
 * their stack, as a JSON field or as indented lines after the text line.
 * @example const logger = createLogger({ level: 'debug', format: 'json', base: { node: 'a' } })
 */
export function createLogger(options: CreateLoggerOptions = {}): LeveledLogger {
  const level = checkLevel(options.level ?? 'info')
  const format = options.format ?? 'text'
  if (format !== 'text' && format !== 'json')
    throw new TypeError(`log format must be 'text' or 'json', got ${String(format)}`)
  const write = options.write ?? writeConsole
  const now = options.now ?? Date.now
  const method = (at: Level): PinoLogFn & Logger['info'] => {
    if (RANK[at] < RANK[level]) return () => {}
    return (first: unknown, second?: unknown) => {
      const { msg, data } = normalize(first, second)
      const fields = { ...options.base, ...serializeData(data, at === 'error') }
      write(
        format === 'json' ? jsonLine(at, now(), msg, fields) : textLine(at, now(), msg, fields),
        at,
      )
    }
  }
  return {
    level,
    debug: method('debug'),
    info: method('info'),
    warn: method('warn'),
    error: method('error'),
  }
}

/**
 * Adapts a pino-compatible logger (`info(obj, msg)`) to Plume's `Logger` (`info(msg, data)`).
 * @example new Endpoint({ logger: fromPino(pino()) })
 */
export function fromPino(target: PinoLike): Logger {
  const method = (at: Level) => (msg: string, data?: Record<string, unknown>) =>
    data === undefined ? target[at](msg) : target[at](data, msg)
  return {
    debug: method('debug'),
    info: method('info'),
    warn: method('warn'),
    error: method('error'),
  }
}

/** Checks a level name (from configuration) and returns it. */
export function checkLevel(level: unknown): LogLevel {
  if (typeof level === 'string' && level in RANK) return level as LogLevel
  throw new TypeError(
    `log level must be one of ${Object.keys(RANK).join(', ')}, got ${String(level)}`,
  )
}

function normalize(
  first: unknown,
  second: unknown,
): { msg: string; data: Record<string, unknown> | undefined } {
  if (typeof first === 'string') return { msg: first, data: asRecord(second) }
  const msg = typeof second === 'string' ? second : ''
  if (first instanceof Error) return { msg: msg || first.message, data: { error: first } }
  return { msg, data: asRecord(first) }
}

function asRecord(x: unknown): Record<string, unknown> | undefined {
  return typeof x === 'object' && x !== null ? (x as Record<string, unknown>) : undefined
}

function serializeData(
  data: Record<string, unknown> | undefined,
  withStack: boolean,
): Record<string, unknown> {
  const out: Record<string, unknown> = {}
  for (const [key, value] of Object.entries(data ?? {}))
    out[key] = value instanceof Error ? serializeError(value, withStack) : value
  return out
}

function serializeError(error: Error, withStack: boolean): Record<string, unknown> {
  const code = (error as { code?: unknown }).code
  return {
    type: error.name,
    message: error.message,
    ...(code !== undefined && { code }),
    ...(withStack && error.stack !== undefined && { stack: error.stack }),
  }
}

function jsonLine(
  level: Level,
  time: number,
  msg: string,
  fields: Record<string, unknown>,
): string {
  return safeJson({ level, time, msg, ...fields })
}

function textLine(
  level: Level,
  time: number,
  msg: string,
  fields: Record<string, unknown>,
): string {
  let stack = ''
  const parts = [new Date(time).toISOString(), level.toUpperCase().padEnd(5), msg]
  for (const [key, value] of Object.entries(fields)) {
    parts.push(`${key}=${textValue(value)}`)
    const s = isSerializedError(value) ? value['stack'] : undefined
    if (typeof s === 'string') stack += '\n' + s.replace(/^/gm, '    ')
  }
  return parts.join(' ') + stack
}

function textValue(value: unknown): string {
  if (typeof value === 'string' && /^[\w.:/@#-]+$/.test(value)) return value
  if (isSerializedError(value))
    return safeJson(`${String(value['type'])}: ${String(value['message'])}`)
  return safeJson(value)
}

function isSerializedError(value: unknown): value is Record<string, unknown> {
  const r = asRecord(value)
  return r !== undefined && typeof r['type'] === 'string' && typeof r['message'] === 'string'
}

/** JSON that never throws: cycles and BigInts become strings instead of losing the line. */
function safeJson(value: unknown): string {
  const seen = new WeakSet<object>()
  return (
    JSON.stringify(value, (_key, v: unknown) => {
      if (typeof v === 'bigint') return v.toString()
      if (typeof v === 'object' && v !== null) {
        if (seen.has(v)) return '[Circular]'
        seen.add(v)
      }
      return v
    }) ?? 'undefined'
  )
}

/* eslint-disable no-console -- the default destination of createLogger */
function writeConsole(line: string, level: LogLevel): void {
  if (level === 'warn' || level === 'error') console.error(line)
  else console.log(line)
}
/* eslint-enable no-console */
