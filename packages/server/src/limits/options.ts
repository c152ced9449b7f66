// The per-socket abuse limits: one documented option each, resolved once into plain numbers
// so the hot paths compare integers. What a client sees when it hits each one is written
// beside it; docs/security.md lists them all.

import { ServerError } from '../errors.js'

/** Abuse limits of one mounted socket (`endpoint.socket(path, { limits })`). */
export interface LimitOptions {
  /**
   * Bytes a connection may have waiting to be sent (WebSocket `bufferedAmount`, long-poll
   * undelivered frames). Past it the client is a slow consumer: WebSocket closes with 1013
   * ("slow consumer"), a long-poll session ends (its next poll gets 410). Presences leave as
   * on any disconnect. @default 1048576 (1 MiB)
   */
  maxOutboundBytes?: number
  /**
   * Frames per second a connection may send (token bucket, `burst` frames of credit). Over it
   * each frame is answered `{status: 'error', response: {reason: 'rate limited'}}` and not
   * handled. @default 100
   */
  messagesPerSecond?: number
  /** Token bucket capacity for `messagesPerSecond`. @default 200 */
  burst?: number
  /**
   * Frames refused by the rate limit within one second that close the connection with 1008
   * ("rate limit exceeded"). @default 100
   */
  rateLimitCloseAfter?: number
  /**
   * Frames waiting to be handled at which the server stops reading the connection's socket
   * (reading resumes once they are handled). @default 64
   */
  inboxHighWater?: number
  /** Frames waiting to be handled that close the connection with 1013 ("inbox full"). @default 4096 */
  maxInbox?: number
  /**
   * Tasks waiting in one channel's mailbox. A client message past it is answered
   * `{reason: 'channel busy'}`; a broadcast past it closes the connection with 1013.
   * @default 1024
   */
  maxMailbox?: number
  /** Joins one connection may attempt per `windowMs`; more are refused `{reason: 'too many joins'}`. @default 100 */
  joinsPerWindow?: number
  /**
   * Presence `track`/`update` calls one connection's channels may make per `windowMs`; more
   * throw a `RATE_LIMITED` ServerError, answered `{reason: 'too many presence updates'}`
   * when it escapes `handleIn`. @default 100
   */
  presenceUpdatesPerWindow?: number
  /** The window of `joinsPerWindow` and `presenceUpdatesPerWindow`, in ms. @default 10000 */
  windowMs?: number
  /** Channels joined to one topic on this socket of this node; more joins are refused `{reason: 'topic full'}`. @default 10000 */
  maxMembersPerTopic?: number
  /** Longest topic in characters; a message with a longer one is answered `{reason: 'topic too long'}`. @default 256 */
  maxTopicLength?: number
  /** Open connections per remote address; more handshakes get HTTP 429. @default Infinity (off) */
  maxConnectionsPerIp?: number
  /**
   * Milliseconds of inbound work (joins, channel messages) all connections of this socket may
   * run in one event-loop turn; frames past it wait for a later turn, after the loop has read
   * the sockets again, so a burst of joins never holds up others' heartbeats. Heartbeats are
   * never held back. Nothing is refused: this only orders work. @default 5
   */
  turnBudgetMs?: number
}

/** {@link LimitOptions} with every default applied. */
export type ResolvedLimits = Readonly<Required<LimitOptions>>

/** The defaults of {@link LimitOptions}. */
export const DEFAULT_LIMITS: ResolvedLimits = Object.freeze({
  maxOutboundBytes: 1024 * 1024,
  messagesPerSecond: 100,
  burst: 200,
  rateLimitCloseAfter: 100,
  inboxHighWater: 64,
  maxInbox: 4096,
  maxMailbox: 1024,
  joinsPerWindow: 100,
  presenceUpdatesPerWindow: 100,
  windowMs: 10_000,
  maxMembersPerTopic: 10_000,
  maxTopicLength: 256,
  maxConnectionsPerIp: Infinity,
  turnBudgetMs: 5,
})

/** Every limit off: Plume without protection, the baseline of the abuse benchmark. */
export const NO_LIMITS: LimitOptions = Object.freeze({
  maxOutboundBytes: Infinity,
  messagesPerSecond: Infinity,
  burst: Infinity,
  rateLimitCloseAfter: Infinity,
  inboxHighWater: Infinity,
  maxInbox: Infinity,
  maxMailbox: Infinity,
  joinsPerWindow: Infinity,
  presenceUpdatesPerWindow: Infinity,
  maxMembersPerTopic: Infinity,
  maxTopicLength: Infinity,
  turnBudgetMs: Infinity,
})

/** Applies defaults; throws INVALID_CONFIG on an unknown name or a value that is not > 0. */
export function resolveLimits(options: LimitOptions | undefined): ResolvedLimits {
  if (options === undefined) return DEFAULT_LIMITS
  if (typeof options !== 'object' || options === null) {
    throw new ServerError('INVALID_CONFIG', 'socket option `limits` must be an object')
  }
  const out: Record<string, number> = { ...DEFAULT_LIMITS }
  for (const [name, value] of Object.entries(options)) {
    if (!Object.hasOwn(DEFAULT_LIMITS, name)) {
      throw new ServerError('INVALID_CONFIG', `unknown limit ${JSON.stringify(name)}`)
    }
    if (value === undefined) continue
    if (typeof value !== 'number' || Number.isNaN(value) || value <= 0) {
      throw new ServerError(
        'INVALID_CONFIG',
        `limits.${name} must be a positive number (Infinity turns it off), got ${String(value)}`,
      )
    }
    out[name] = value
  }
  return Object.freeze(out) as ResolvedLimits
}
