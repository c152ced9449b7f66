// Public surface of @plume/client: a typed, drop-in replacement for the `phoenix` npm client.
export { Socket } from './socket.js'
export { type SocketCallbacks, type SocketErrorCallback } from './socket-events.js'
export { Channel, type BindingCallback, type Params } from './channel.js'
export { Push, type PushStatus, type ReplyPayload } from './push.js'
export { Timer } from './timer.js'
export {
  Presence,
  type OnJoin,
  type OnLeave,
  type PresenceDiff,
  type PresenceEntry,
  type PresenceMeta,
  type PresenceOptions,
  type PresenceState,
} from './presence.js'
export { PresenceStore, type PresenceSnapshot } from './presence-store.js'
export {
  LongPoll,
  fetchRequest,
  type LongPollDeps,
  type LongPollRequest,
  type LongPollResponse,
} from './longpoll.js'
export {
  encode,
  decode,
  Serializer,
  type Decode,
  type Encode,
  type SocketMessage,
} from './serializer.js'
export {
  defaultReconnectAfterMs,
  defaultRejoinAfterMs,
  type Logger,
  type PageLike,
  type SocketOptions,
  type StorageLike,
} from './options.js'
export { realScheduler, type Cancel, type Scheduler } from './scheduler.js'
export type { CloseEventLike, TransportConstructor, TransportLike } from './transport.js'
export { SocketStates, type ChannelState } from './constants.js'
export { ClientError, type ClientErrorCode } from './errors.js'
