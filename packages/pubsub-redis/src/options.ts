// Options of the Redis adapter, resolved once into a complete, validated shape.
// Timing knobs live here so the adapter itself only wires connections together
// (see README.md for the table and the duplicate-name rules).
import type { RedisOptions } from 'ioredis'
import { PubSubError, consoleLogger } from '@plume/pubsub'
import type { Logger } from '@plume/pubsub'

/** Reconnect backoff of both Redis connections. */
export interface RedisReconnectOptions {
  /** Delay before the first reconnect attempt, in ms. @default 100 */
  initialDelayMs?: number
  /**
   * Upper bound of the doubling delay, in ms; well inside the tracker's 3 s down period, so a
   * broker blip heals before peers are marked down. @default 1000
   */
  maxDelayMs?: number
}

/** Options of {@link RedisAdapter}. */
export interface RedisAdapterOptions {
  /** This node's name; must be unique among live nodes sharing the prefix. */
  nodeName: string
  /**
   * Redis URL, `redis://[user[:password]@]host[:port][/db]` (or `rediss://` for TLS).
   * @default "redis://127.0.0.1:6379"
   */
  url?: string
  /** Namespace of the channel and the node-name claim keys. @default "plume" */
  prefix?: string
  /** Where connection trouble and dropped messages are reported. @default consoleLogger */
  logger?: Logger
  /** Extra ioredis options merged under the adapter's own (retry, offline queue, lazy connect). */
  redisOptions?: RedisOptions
  /** Reconnect backoff. */
  reconnect?: RedisReconnectOptions
  /**
   * Lifetime of the node-name claim, in ms. A node killed without `close()` blocks its
   * name for at most this long. @default 10000
   */
  claimTtlMs?: number
  /** How often the claim is renewed, in ms; must be below `claimTtlMs`. @default claimTtlMs / 3 */
  claimRefreshMs?: number
  /**
   * Longest wait for the reply to a publish or claim command, in whole ms. A connection that
   * stays silent this long is treated as dead: the command fails (a publish is dropped) and
   * the publisher reconnects. @default 5000
   */
  commandTimeoutMs?: number
  /**
   * Longest time `close()` spends releasing the claim and quitting politely, in whole ms;
   * then both connections are dropped and `close()` resolves with a warning. @default 2000
   */
  closeTimeoutMs?: number
  /**
   * Largest envelope (UTF-8 bytes) one PUBLISH may carry; larger sends reject `BAD_MESSAGE`,
   * and the Tracker splits its state transfers below it. Redis itself accepts far more, but
   * one huge PUBLISH holds up the server for every node, so it is kept to NATS' default.
   * @default 1_048_576 (1 MiB)
   */
  maxMessageBytes?: number
}

/** {@link RedisAdapterOptions} with every default filled in. */
export interface ResolvedRedisOptions {
  readonly nodeName: string
  readonly url: string
  readonly prefix: string
  readonly logger: Logger
  readonly redisOptions: RedisOptions
  readonly initialDelayMs: number
  readonly maxDelayMs: number
  readonly claimTtlMs: number
  readonly claimRefreshMs: number
  readonly commandTimeoutMs: number
  readonly closeTimeoutMs: number
  readonly maxMessageBytes: number
}

const MAX_TIMER_MS = 2 ** 31 - 1

function invalid(message: string): PubSubError {
  return new PubSubError('INVALID_ARGUMENT', `RedisAdapter: ${message}`)
}

function positive(value: number, name: string): number {
  if (!Number.isFinite(value) || value <= 0) throw invalid(`${name} must be a positive number`)
  return value
}

// Redis' PX takes whole milliseconds, and Node timers cap at 2^31-1 ms (longer fires at once).
function wholeMs(value: number, name: string): number {
  if (!Number.isInteger(positive(value, name)) || value > MAX_TIMER_MS) {
    throw invalid(`${name} must be a whole number of milliseconds up to ${MAX_TIMER_MS}`)
  }
  return value
}

function messageLimit(value: unknown): number {
  if (typeof value !== 'number' || !Number.isSafeInteger(value) || value < 4096) {
    throw invalid('maxMessageBytes must be a whole number of bytes >= 4096')
  }
  return value
}

/** Fills defaults and checks cross-field constraints; throws `INVALID_ARGUMENT` on bad input. */
export function resolveOptions(options: RedisAdapterOptions): ResolvedRedisOptions {
  const nodeName: unknown = options.nodeName
  if (typeof nodeName !== 'string' || nodeName.length === 0) {
    throw invalid('nodeName is required and must be a non-empty string')
  }
  const prefix = options.prefix ?? 'plume'
  if (prefix.length === 0) throw invalid('prefix must not be empty')
  const claimTtlMs = wholeMs(options.claimTtlMs ?? 10_000, 'claimTtlMs')
  const claimRefreshMs = positive(
    options.claimRefreshMs ?? Math.floor(claimTtlMs / 3),
    'claimRefreshMs',
  )
  if (claimRefreshMs >= claimTtlMs) throw invalid('claimRefreshMs must be below claimTtlMs')
  const initialDelayMs = positive(options.reconnect?.initialDelayMs ?? 100, 'initialDelayMs')
  const maxDelayMs = positive(options.reconnect?.maxDelayMs ?? 1000, 'maxDelayMs')
  return {
    nodeName,
    url: options.url ?? 'redis://127.0.0.1:6379',
    prefix,
    logger: options.logger ?? consoleLogger,
    redisOptions: options.redisOptions ?? {},
    initialDelayMs,
    maxDelayMs: Math.max(maxDelayMs, initialDelayMs),
    claimTtlMs,
    claimRefreshMs,
    commandTimeoutMs: wholeMs(options.commandTimeoutMs ?? 5000, 'commandTimeoutMs'),
    closeTimeoutMs: wholeMs(options.closeTimeoutMs ?? 2000, 'closeTimeoutMs'),
    maxMessageBytes: messageLimit(options.maxMessageBytes ?? 1_048_576),
  }
}

/** Doubling backoff for reconnect attempt `attempt` (1-based), capped at `maxMs`. */
export function backoffDelay(attempt: number, initialMs: number, maxMs: number): number {
  const exponent = Math.min(Math.max(attempt - 1, 0), 30)
  return Math.min(maxMs, initialMs * 2 ** exponent)
}

/** Removes the password from a URL so it can be logged. */
export function redactUrl(url: string): string {
  try {
    const parsed = new URL(url)
    if (parsed.password !== '') parsed.password = '***'
    return parsed.toString()
  } catch {
    return '<unparsable url>'
  }
}
