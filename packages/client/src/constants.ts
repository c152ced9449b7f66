// Wire names and numeric states the client shares with phoenix.js. Event names mirror the
// protocol package; ready states are the WebSocket ones (LongPoll reuses them).
import { Events, PHOENIX_TOPIC } from '@plume/protocol'

/** WebSocket ready states, also used by LongPoll. */
export const SocketStates = { connecting: 0, open: 1, closing: 2, closed: 3 } as const

/** Channel lifecycle states (spec §5.3). */
export type ChannelState = 'closed' | 'joining' | 'joined' | 'errored' | 'leaving'

export const JOIN = Events.join
export const LEAVE = Events.leave
export const REPLY = Events.reply
export const CLOSE = Events.close
export const ERROR = Events.error
export const PHOENIX = PHOENIX_TOPIC
export const HEARTBEAT = Events.heartbeat

/** Normal WebSocket close; the socket does not reconnect after a server close with it. */
export const WS_CLOSE_NORMAL = 1000

/** Prefix of the subprotocol entry carrying the auth token (spec §1.9). */
export const AUTH_TOKEN_PREFIX = 'base64url.bearer.phx.'
