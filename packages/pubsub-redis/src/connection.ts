// Creation and supervision of the adapter's two ioredis connections. Outages are logged
// once (a warning when the connection drops, info when it is back) instead of once per
// retry, and ioredis' 'error' events always have a listener so they never crash the process.
import { Redis } from 'ioredis'
import type { RedisOptions } from 'ioredis'
import type { Logger } from '@plume/pubsub'
import { backoffDelay, redactUrl } from './options.js'
import type { ResolvedRedisOptions } from './options.js'
import { reportBrokerState } from './events.js'

/** Which of the two connections; used in log data. */
export type ConnectionRole = 'publisher' | 'subscriber'

// Defaults that redisOptions may override. TCP keepalive probes start after 10 s idle, so a
// subscriber whose peer vanished (it never writes, so no timeout sees it) is noticed
// eventually; how soon depends on the OS. disconnect() waits this long for the server's FIN
// before destroying the socket; ioredis also arms that timer (2 s by default) for a socket
// that is already gone, and it would hold the process open that long after close().
const DEFAULTS: RedisOptions = { keepAlive: 10_000, disconnectTimeout: 200 }

/** Builds one not-yet-connected client with the adapter's retry and timeout policy applied. */
export function createConnection(opts: ResolvedRedisOptions, role: ConnectionRole): Redis {
  const publisher = role === 'publisher'
  const own: RedisOptions = {
    lazyConnect: true,
    // CLIENT SETNAME rejects spaces and newlines; the name is only a label in CLIENT LIST.
    connectionName: `plume:${role}:${opts.nodeName}`.replace(/[^\w.:@/-]/g, '_'),
    retryStrategy: (attempt) => backoffDelay(attempt, opts.initialDelayMs, opts.maxDelayMs),
    // A publish while disconnected fails fast and is dropped (at-most-once, like Phoenix)
    // rather than queued without bound; the subscriber only ever re-sends SUBSCRIBE.
    enableOfflineQueue: !publisher,
    // 0: a publish in flight when the connection drops is rejected (then dropped), never
    // re-sent after the reconnect: Redis may already have run it, and a resend would
    // deliver it twice.
    maxRetriesPerRequest: publisher ? 0 : null,
    // A silently dead connection (network cut, frozen broker) never errors: the timeout
    // fails the waiting command, then dropIfSilent() drops the connection. The subscriber
    // only ever waits for pushes, which no timeout can tell from a quiet channel.
    ...(publisher && { commandTimeout: opts.commandTimeoutMs }),
  }
  const redis = new Redis(opts.url, { ...DEFAULTS, ...opts.redisOptions, ...own })
  watchConnection(redis, role, opts.url, opts.logger)
  reportBrokerState(redis, opts.nodeName, role)
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

const DISCONNECTED =
  /Stream isn't writeable|Connection is closed|max retries per request|Command timed out/i
const TIMED_OUT = /Command timed out/i

/** True for the errors ioredis raises when a command meets a dropped or silent connection. */
export function isDisconnectedError(error: unknown): boolean {
  return error instanceof Error && DISCONNECTED.test(error.message)
}

/**
 * After a command timed out, drops the connection so ioredis reconnects: later commands
 * then fail fast instead of each waiting out the timeout behind a connection that stopped
 * answering. (ioredis' own socketTimeout is not used: its timer survives a reconnect and
 * would later kill the fresh connection, or hold the process open after close.)
 */
export function dropIfSilent(redis: Redis, error: unknown): void {
  if (!(error instanceof Error) || !TIMED_OUT.test(error.message)) return
  if (redis.status !== 'ready') return // already dropped by an earlier timeout
  redis.stream.destroy(new Error('no reply from Redis within commandTimeoutMs'))
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

/** Drops a client at once, without QUIT; for connections that stopped answering. */
export function forceClose(redis: Redis): void {
  redis.disconnect()
  // disconnect() only half-closes and then waits for the peer's FIN (up to ioredis'
  // disconnectTimeout); a dead peer never sends it, and the socket would hold the process.
  redis.stream?.destroy()
}
