// Picks the PubSub adapter from PUBSUB_URL: none (one node, in memory), redis:// or nats://.
// A NATS cluster is a comma-separated list of nats:// URLs.
import { PubSub } from '@plume/pubsub'
import type { Adapter, Logger } from '@plume/pubsub'
import { RedisAdapter } from '@plume/pubsub-redis'
import { NatsAdapter } from '@plume/pubsub-nats'
import { ConfigError } from './config.js'

/** What {@link adapterFromUrl} needs besides the URL. */
export interface AdapterConfig {
  nodeName: string
  logger: Logger
  /** Redis only: lifetime of the node-name claim in ms (the adapter's `claimTtlMs`). */
  nodeTtlMs?: number | undefined
  /**
   * Longest wait between reconnect attempts: Redis's backoff cap (default 5 s), NATS's
   * `reconnectTimeWait` (default 2 s). Keep it well below the tracker's down period.
   */
  reconnectMs?: number | undefined
}

function scheme(url: string): string {
  try {
    return new URL(url).protocol.slice(0, -1)
  } catch {
    throw new ConfigError(`PUBSUB_URL is not a URL: ${JSON.stringify(url)}`)
  }
}

/** Builds the adapter a URL names; `undefined` means the embedded single-node default. */
export function adapterFromUrl(
  url: string | undefined,
  config: AdapterConfig,
): Adapter | undefined {
  if (url === undefined) return undefined
  const { nodeName, logger, nodeTtlMs, reconnectMs } = config
  const servers = url.split(',').map((s) => s.trim())
  const schemes = new Set(servers.map(scheme))
  const [only] = schemes
  if (schemes.size !== 1 || only === undefined) {
    throw new ConfigError(`PUBSUB_URL mixes schemes: ${JSON.stringify(url)}`)
  }
  switch (only) {
    case 'redis':
    case 'rediss':
      if (servers.length > 1) throw new ConfigError('PUBSUB_URL: give a single redis:// URL')
      return new RedisAdapter({
        url,
        nodeName,
        logger,
        ...(nodeTtlMs !== undefined && { claimTtlMs: nodeTtlMs }),
        ...(reconnectMs !== undefined && {
          reconnect: { initialDelayMs: Math.min(100, reconnectMs), maxDelayMs: reconnectMs },
        }),
      })
    case 'nats':
    case 'tls':
      return new NatsAdapter({
        servers,
        nodeName,
        logger,
        ...(reconnectMs !== undefined && { connectOptions: { reconnectTimeWait: reconnectMs } }),
      })
    default:
      throw new ConfigError(
        `PUBSUB_URL must start with redis://, rediss:// or nats://, got ${JSON.stringify(url)}`,
      )
  }
}

/** A PubSub for this node: over the adapter `url` names, or in memory when it is undefined. */
export function pubsubFromUrl(url: string | undefined, config: AdapterConfig): PubSub {
  const adapter = adapterFromUrl(url, config)
  const { nodeName, logger } = config
  return new PubSub(adapter ? { adapter, logger } : { nodeName, logger })
}
