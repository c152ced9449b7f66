// Creation and supervision of the adapter's two ioredis connections. Outages are logged
// once (a warning when the connection drops, info when it is back) instead of once per
// retry, and ioredis' 'error' events always have a listener so they never crash the process.
import { Redis } from 'ioredis'
import type { RedisOptions } from 'ioredis'
import type { Logger } from '@plume/pubsub'
import { backoffDelay, redactUrl } from './options.js'
import type { ResolvedRedisOptions } from './options.js'

/** Which of the two connections; used in log data. */
export type ConnectionRole = 'publisher' | 'subscriber'

/** Builds one not-yet-connected client with the adapter's retry policy applied. */
export function createConnection(opts: ResolvedRedisOptions, role: ConnectionRole): Redis {
  const own: RedisOptions = {
    lazyConnect: true,
    // CLIENT SETNAME rejects spaces and newlines; the name is only a label in CLIENT LIST.
    connectionName: `plume:${role}:${opts.nodeName}`.replace(/[^\w.:@/-]/g, '_'),
    retryStrategy: (attempt) => backoffDelay(attempt, opts.initialDelayMs, opts.maxDelayMs),
    // A publish while disconnected fails fast and is dropped (at-most-once, like Phoenix)
    // rather than queued without bound; the subscriber only ever re-sends SUBSCRIBE.
    enableOfflineQueue: role === 'subscriber',
    // 0: a publish in flight when the connection drops is rejected (then dropped), never
    // re-sent after the reconnect: Redis may already have run it, and a resend would
    // deliver it twice.
    maxRetriesPerRequest: role === 'subscriber' ? null : 0,
  }
  const redis = new Redis(opts.url, { ...opts.redisOptions, ...own })
  watchConnection(redis, role, opts.url, opts.logger)
  return redis
}

// ioredis rejects a failed connect() with a bare "Connection is closed."; the reason
// (ECONNREFUSED, WRONGPASS…) only reaches the 'error' event, so remember it.
const lastErrors = new WeakMap<Redis, unknown>()

/** Connects, rejecting with the underlying reason rather than ioredis' generic message. */
export async function connect(redis: Redis): Promise<void> {
  try {
    await redis.connect()
  } catch (error) {
    throw lastErrors.get(redis) ?? error
  }
}

const DISCONNECTED = /Stream isn't writeable|Connection is closed|max retries per request/i

/** True for the errors ioredis raises when a command meets a dropped connection. */
export function isDisconnectedError(error: unknown): boolean {
  return error instanceof Error && DISCONNECTED.test(error.message)
}

function watchConnection(redis: Redis, role: ConnectionRole, url: string, logger: Logger): void {
  let everReady = false
  let down = false
  const data = (extra: Record<string, unknown> = {}): Record<string, unknown> => ({
    role,
    url: redactUrl(url),
    ...extra,
  })
  const markDown = (extra: Record<string, unknown>): void => {
    if (down || !everReady) return
    down = true
    logger.warn('redis connection lost, reconnecting with backoff', data(extra))
  }
  redis.on('error', (error: unknown) => {
    lastErrors.set(redis, error)
    if (!everReady) logger.debug('redis connection error', data({ error: String(error) }))
    markDown({ error: String(error) })
  })
  redis.on('reconnecting', (delayMs: unknown) => markDown({ delayMs }))
  redis.on('ready', () => {
    if (down) logger.info('redis connection restored', data())
    everReady = true
    down = false
  })
}

/** Closes a client: a polite QUIT when connected, an immediate disconnect otherwise. */
export async function shutdown(redis: Redis): Promise<void> {
  if (redis.status === 'ready') {
    try {
      await redis.quit()
      return
    } catch {
      // Falls through: the connection died while quitting.
    }
  }
  redis.disconnect()
}
