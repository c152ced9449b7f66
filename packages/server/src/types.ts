// Public types of @plume/server: the channel handler contract, the per-channel context
// handed to every callback, connect info and the options of Endpoint and socket().
// Behaviour lives elsewhere; this file only names shapes (docs: packages/server/README.md).

import type { ServerSerializer } from '@plume/protocol'
import type { PubSub } from '@plume/pubsub'
import type { LimitOptions } from './limits/options.js'
import type { Scheduler } from './time.js'
import type {
  ConnectError,
  InfoResult,
  InResult,
  JoinResult,
  Payload,
  StopReason,
} from './results.js'

/** Per-connection data returned by `connect` and copied into each channel. */
export type Assigns = Record<string, unknown>

/** Structured logger (same shape as @plume/pubsub's). */
export interface Logger {
  debug(msg: string, data?: Record<string, unknown>): void
  info(msg: string, data?: Record<string, unknown>): void
  warn(msg: string, data?: Record<string, unknown>): void
  error(msg: string, data?: Record<string, unknown>): void
}

/** Which transport carries a connection. */
export type TransportName = 'websocket' | 'longpoll'

/** What `connect` learns about the request besides its query params. */
export interface ConnectInfo {
  readonly transport: TransportName
  /** The full request URL (path and query). */
  readonly uri: URL
  /** All request headers, lower-cased names. */
  readonly headers: Readonly<Record<string, string | string[] | undefined>>
  /** Every `x-*` header (first value when repeated). */
  readonly xHeaders: Readonly<Record<string, string>>
  readonly peer: { readonly address: string | undefined; readonly port: number | undefined }
  readonly userAgent: string | undefined
  readonly origin: string | undefined
  /** Token from the `base64url.bearer.phx.` subprotocol (WebSocket) or `x-phoenix-authtoken` (long-poll). */
  readonly authToken: string | undefined
}

/**
 * Why a channel terminated: a built-in reason — `'left'` (client leave), `'closed'`
 * (transport gone), `'duplicate_join'`, `'disconnected'` (socket-id disconnect),
 * `'draining'`, `'inactive'` (long-poll expiry), `'shutdown'` (endpoint.close) — the reason
 * given to `stop`, or `{crash: error}` when a callback threw.
 */
export type TerminateReason = StopReason | { readonly crash: unknown }

/** A captured `(topic, ref, joinRef)` to reply to a message later. */
export interface ReplyRef {
  readonly topic: string
  readonly ref: string
  readonly joinRef: string | null
}

/** A channel broadcast as carried by the PubSub: plain data, so it can cross nodes. */
export interface Broadcast {
  readonly topic: string
  readonly event: string
  readonly payload: unknown
}

/**
 * What a channel callback can reach of its endpoint: the node's PubSub and the endpoint's
 * fastlane broadcasts. The `Endpoint` class implements it; mounting, listening, draining and
 * closing stay with whoever owns the endpoint.
 */
export interface ChannelEndpoint {
  /** The PubSub carrying broadcasts (shared by the whole cluster through its adapter). */
  readonly pubsub: PubSub
  /** This node's name in the cluster (the PubSub's). */
  readonly nodeName: string
  /** Number of open connections on this endpoint. */
  readonly connectionCount: number
  /** The endpoint's clock and timers; a channel arming timers on it can be driven in tests. */
  readonly scheduler: Scheduler
  /** Fastlane broadcast to every subscriber of `topic`, cluster-wide. Rejects if the PubSub cannot send. */
  broadcast(topic: string, event: string, payload: Payload): Promise<void>
  /** Fastlane broadcast to the subscribers of `topic` on this node only (synchronous). */
  localBroadcast(topic: string, event: string, payload: Payload): void
}

/** The channel context: the channel's view of itself, passed to every callback. */
export interface ChannelContext<TAssigns extends Assigns = Assigns> {
  readonly topic: string
  readonly joinRef: string
  /** Copied from the connection's assigns at join; change with {@link ChannelContext.assign}. */
  readonly assigns: Readonly<TAssigns>
  /** Sets one assign on this channel only. */
  assign<K extends keyof TAssigns & string>(key: K, value: TAssigns[K]): void
  /** The socket id from `id(assigns)`, or null. */
  readonly socketId: string | null
  /** Cluster-unique id of this channel instance: `${nodeName}:${connectionId}:${seq}`. */
  readonly ownerId: string
  readonly transport: TransportName
  readonly endpoint: ChannelEndpoint
  /** Sends `[joinRef, null, topic, event, payload]` to this client (buffered until the join reply). */
  push(event: string, payload: Payload): void
  /** To every subscriber of the topic, cluster-wide, including this client. Never rejects (logs). */
  broadcast(event: string, payload: Payload): Promise<void>
  /** Like broadcast, but skips this channel. Never rejects (logs). */
  broadcastFrom(event: string, payload: Payload): Promise<void>
  /** To every subscriber of the topic on this node only. */
  localBroadcast(event: string, payload: Payload): void
  /** Delivers `message` to this channel's `handleInfo`, after the current callback. */
  send(message: unknown): void
  /** Captures the ref of the message `handleIn` is handling, for {@link ChannelContext.reply}. */
  captureReply(): ReplyRef
  /** Replies to a captured ref (any number of times, any time later). */
  reply(ref: ReplyRef, status: string, response?: Payload): void
  /** Stops the channel after the current callback. */
  stop(reason?: StopReason): void
  /** Runs `fn` when the channel ends for any reason, crash included; returns a disposer. */
  onTerminate(fn: (reason: TerminateReason) => void): () => void
  /** Subscribes this channel to another PubSub topic; messages arrive in `handleInfo`. */
  subscribe(topic: string): () => void
}

/**
 * A channel implementation: a plain object, a class instance (shared by all channels of the
 * route) or a class (instantiated per join). Callbacks may be async; one channel's
 * callbacks never interleave.
 */
export interface ChannelHandler<TAssigns extends Assigns = Assigns> {
  join(
    topic: string,
    params: Record<string, unknown>,
    ch: ChannelContext<TAssigns>,
  ): JoinResult | Promise<JoinResult>
  handleIn?(
    event: string,
    payload: unknown,
    ch: ChannelContext<TAssigns>,
  ): InResult | void | Promise<InResult | void>
  handleInfo?(
    message: unknown,
    ch: ChannelContext<TAssigns>,
  ): InfoResult | void | Promise<InfoResult | void>
  /** Called for broadcasts whose event is listed in `intercept`; push or drop them. */
  handleOut?(
    event: string,
    payload: unknown,
    ch: ChannelContext<TAssigns>,
  ): InfoResult | void | Promise<InfoResult | void>
  readonly intercept?: readonly string[]
  terminate?(reason: TerminateReason, ch: ChannelContext<TAssigns>): void | Promise<void>
}

/** A route target: a handler object or a class whose instances are handlers. */
export type ChannelModule<TAssigns extends Assigns = Assigns> =
  ChannelHandler<TAssigns> | (new () => ChannelHandler<TAssigns>)

/** check_origin policy; see the README. */
export type CheckOrigin = boolean | readonly string[] | ((origin: URL) => boolean)

/** What `connect` may return: assigns (accept), `true`/`undefined` (accept, no assigns), `false` (403) or a {@link ConnectError}. */
export type ConnectResult<TAssigns extends Assigns> = TAssigns | boolean | undefined | ConnectError

/** WebSocket transport options. */
export interface WebSocketOptions {
  /** Close after this long without receiving a frame. @default 60000 */
  timeout?: number
  /** Largest accepted frame in bytes; larger ones close the connection with 1009. @default 1048576 */
  maxFrameSize?: number
  /** Path suffix. @default '/websocket' */
  path?: string
  /**
   * Negotiate permessage-deflate with clients that offer it (messages of 1 KiB or more are
   * compressed). Costs a zlib context per connection. @default false
   */
  compress?: boolean
  /**
   * Allowed `Sec-WebSocket-Protocol` names in preference order. When set, a client that sends
   * the header must offer one of them (the first allowed match is answered) or it gets 403;
   * a malformed header gets 403 too. The phoenix.js auth token entry is never matched: list
   * `'phoenix'` to keep accepting phoenix.js's `authToken`. @default no check (`phoenix` is
   * answered when offered)
   */
  subprotocols?: readonly string[]
}

/** Long-poll transport options. */
export interface LongPollOptions {
  /** How long a GET waits for messages before answering 204; a session dies after 1.5× this without a GET. @default 10000 */
  windowMs?: number
  /** Path suffix. @default '/longpoll' */
  path?: string
  /** Largest accepted POST body in bytes. @default 1048576 */
  maxBodySize?: number
  /**
   * Prepended to every session token this socket issues (up to 64 of `A-Z a-z 0-9 . _ ~ -`),
   * so a balancer in front of several processes can tell which one holds a session from the
   * token alone. @default ''
   */
  tokenPrefix?: string
}

/** Options of `endpoint.socket(path, options)`. */
export interface SocketOptions<TAssigns extends Assigns = Assigns> {
  /** Authorises a connection. @default accept everyone with no assigns */
  connect?: (
    params: Record<string, string>,
    info: ConnectInfo,
  ) => ConnectResult<TAssigns> | Promise<ConnectResult<TAssigns>>
  /** Socket id; a `disconnect` broadcast to it closes every connection with that id. @default none */
  id?: (assigns: TAssigns) => string | null
  /** `[pattern, handler]` routes: exact topics or a trailing `*`; the first match wins. */
  channels: ReadonlyArray<readonly [string, ChannelModule<TAssigns>]>
  /** `false` disables the transport. @default true */
  websocket?: boolean | WebSocketOptions
  /** `true` enables the transport. @default false (as Phoenix) */
  longpoll?: boolean | LongPollOptions
  /** Channels one connection may join. @default 100 */
  maxChannels?: number
  /** Abuse limits (rates, buffers, members); each documented on {@link LimitOptions}. @default DEFAULT_LIMITS */
  limits?: LimitOptions
  /** Offered serializers in priority order. @default [v1Serializer, v2Serializer] */
  serializers?: readonly ServerSerializer[]
  /** Overrides the endpoint's policy for this socket. */
  checkOrigin?: CheckOrigin
}

/** Options of `new Endpoint(options)`. */
export interface EndpointOptions {
  /** The PubSub to use; its owner starts and closes it. @default a started in-memory PubSub */
  pubsub?: PubSub
  /** Timers for idle timeouts, long-poll windows, drain batches. @default systemScheduler */
  scheduler?: Scheduler
  /** @default warnings and errors to the console */
  logger?: Logger
  /**
   * Origin policy of every socket (overridable per socket).
   * @default true when `host` is set (only pages of that host may connect), false otherwise
   */
  checkOrigin?: CheckOrigin
  /** The host `checkOrigin: true` compares with. @default the request's Host header */
  host?: string
}
