// Wire names and numeric states the client shares with phoenix.js. The event names equal
// @plume/protocol's `Events` (test/serializer.test.ts checks it); they are literals here so
// the browser bundle inlines them without pulling in the protocol package.

/** WebSocket ready states, also used by LongPoll. */
export const SocketStates = { connecting: 0, open: 1, closing: 2, closed: 3 } as const

/** Channel lifecycle states. */
export type ChannelState = 'closed' | 'joining' | 'joined' | 'errored' | 'leaving'

export const JOIN = 'phx_join'
export const LEAVE = 'phx_leave'
export const REPLY = 'phx_reply'
export const CLOSE = 'phx_close'
export const ERROR = 'phx_error'
export const PHOENIX = 'phoenix'
export const HEARTBEAT = 'heartbeat'

/** Normal WebSocket close; the socket does not reconnect after a server close with it. */
export const WS_CLOSE_NORMAL = 1000

/** Prefix of the subprotocol entry carrying the auth token (see docs/protocol.md). */
export const AUTH_TOKEN_PREFIX = 'base64url.bearer.phx.'
