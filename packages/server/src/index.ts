// Public surface of @plume/server: the Endpoint, result helpers for channel callbacks, the
// error class and the types a channel or socket definition needs. See README.md.

export { Endpoint } from './endpoint.js'
export type { ListenOptions } from './endpoint.js'
export { drainPlan } from './drain-plan.js'
export type { DrainOptions, DrainPlan } from './drain-plan.js'
export { ok, error, reply, noReply, stop, connectError } from './results.js'
export type {
  Payload,
  StopReason,
  JoinResult,
  InResult,
  InfoResult,
  JoinOk,
  JoinError,
  Reply,
  NoReply,
  Stop,
  ConnectError,
} from './results.js'
export { ServerError } from './errors.js'
export type { ServerErrorCode } from './errors.js'
export { FASTLANE_DISPATCHER } from './fastlane.js'
export { CloseCode } from './transports/socket-like.js'
export { DEFAULT_LIMITS, NO_LIMITS } from './limits/options.js'
export type { LimitOptions, ResolvedLimits } from './limits/options.js'
export { defaultLogger, silentLogger } from './logger.js'
export { createLogger, fromPino } from '@plume/pubsub'
export type { CreateLoggerOptions, LeveledLogger, LogLevel, PinoLike } from '@plume/pubsub'
export type {
  Assigns,
  Broadcast,
  ChannelContext,
  ChannelEndpoint,
  ChannelHandler,
  ChannelModule,
  CheckOrigin,
  ConnectInfo,
  ConnectResult,
  EndpointOptions,
  Logger,
  LongPollOptions,
  ReplyRef,
  SocketOptions,
  TerminateReason,
  TransportName,
  WebSocketOptions,
} from './types.js'
export { Presence } from './presence/presence.js'
export type {
  PresenceChannel,
  PresenceFetch,
  PresenceOptions,
  DiffSink,
} from './presence/presence.js'
export type { PresenceEntry, PresenceMap, DiffPayload } from './presence/grouping.js'
export type { MetasHandler } from './presence/metas.js'
export {
  socketConnect,
  socketDisconnect,
  channelJoin,
  channelLeave,
  channelCrash,
  frameSent,
  frameReceived,
  presenceDiff,
  limitHit,
} from './events.js'
export type {
  SocketConnectEvent,
  SocketDisconnectEvent,
  ChannelEventBase,
  ChannelJoinEvent,
  ChannelLeaveEvent,
  ChannelCrashEvent,
  FrameEvent,
  PresenceDiffEvent,
  LimitName,
  LimitHitEvent,
} from './events.js'
export {
  signToken,
  verifyToken,
  DEFAULT_TOKEN_MAX_AGE,
  MIN_SECRET_BYTES,
  TOKEN_KEY_ITERATIONS,
} from './token.js'
export type { SignOptions, VerifyOptions, TokenResult, TokenFailure } from './token.js'
