// Result values returned by channel and socket callbacks, mirroring Phoenix's tuples
// ({ok, socket}, {reply, ...}, {stop, ...}). They are plain tagged objects so a callback
// can build them anywhere; the channel validates them and treats anything else as a crash.

/** A payload sent to a client: a plain object (text frames) or bytes (binary frames). */
export type Payload = object

/** Why a channel stops; `normal`, `shutdown` and `{shutdown: x}` are clean (phx_close). */
export type StopReason = string | { readonly shutdown: string }

/** `join` succeeded; `response` is the reply's response (default `{}`). */
export interface JoinOk {
  readonly type: 'ok'
  readonly response: Payload
}
/** `join` refused; the client receives `{status: "error", response}`. */
export interface JoinError {
  readonly type: 'error'
  readonly response: Payload
}
/** Answer a client message with `phx_reply` `{status, response}`. */
export interface Reply {
  readonly type: 'reply'
  readonly status: string
  readonly response: Payload
}
/** Send nothing now (a captured ref may reply later). */
export interface NoReply {
  readonly type: 'noreply'
}
/** Optionally reply, then stop the channel with `reason`. */
export interface Stop {
  readonly type: 'stop'
  readonly reason: StopReason
  readonly reply: Reply | undefined
}
/** An explicit connect refusal with an HTTP status (WebSocket) or body status (long-poll). */
export interface ConnectError {
  readonly type: 'connect_error'
  readonly status: number
  readonly body: string
}

/** What `join` may return. */
export type JoinResult = JoinOk | JoinError
/** What `handleIn` may return; `undefined` means no reply. */
export type InResult = Reply | NoReply | Stop | undefined
/** What `handleInfo` and `handleOut` may return; `undefined` means carry on. */
export type InfoResult = NoReply | Stop | undefined

/**
 * Join succeeded, optionally with a reply.
 * @example join: () => ok({ welcome: true })
 */
export function ok(response: Payload = {}): JoinOk {
  return { type: 'ok', response }
}

/**
 * Join refused with a reply.
 * @example join: (_t, params) => (params.token ? ok() : error({ reason: 'unauthorized' }))
 */
export function error(response: Payload = {}): JoinError {
  return { type: 'error', response }
}

/**
 * Reply to the message being handled.
 * @example handleIn: (event, payload) => reply('ok', { echo: payload })
 */
export function reply(status: string, response: Payload = {}): Reply {
  return { type: 'reply', status, response }
}

/** No reply now. @example handleIn: () => noReply() */
export function noReply(): NoReply {
  return { type: 'noreply' }
}

/**
 * Stop the channel after an optional reply. Clean reasons close it with `phx_close`,
 * any other reason makes the client see `phx_error` and rejoin.
 * @example handleIn: () => stop('normal', reply('ok', { bye: true }))
 */
export function stop(reason: StopReason = 'normal', replyWith?: Reply): Stop {
  return { type: 'stop', reason, reply: replyWith }
}

/**
 * Refuse a connection with a status (e.g. 429) and optional body; return or throw it
 * from `connect`.
 * @example connect: () => connectError(429, 'slow down')
 */
export function connectError(status: number, body = ''): ConnectError {
  if (!Number.isInteger(status) || status < 400 || status > 599) {
    throw new RangeError(`connectError status must be an HTTP error status, got ${status}`)
  }
  return { type: 'connect_error', status, body }
}

/** True for `normal`, `shutdown` and `{shutdown: x}`: the client gets phx_close, not phx_error. */
export function isCleanReason(reason: StopReason): boolean {
  return typeof reason === 'object' || reason === 'normal' || reason === 'shutdown'
}

export function isConnectError(value: unknown): value is ConnectError {
  return (
    typeof value === 'object' &&
    value !== null &&
    (value as { type?: unknown }).type === 'connect_error'
  )
}
