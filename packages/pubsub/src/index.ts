// Public surface of @plume/pubsub: named re-exports only. The conformance suite for adapter
// authors lives in the separate "@plume/pubsub/testing" entry point.

export type {
  Adapter,
  BroadcastOptions,
  Dispatcher,
  Handler,
  Message,
  RemoteMessage,
  SubscribeOptions,
  SubscriberEntry,
  Subscription,
} from './types.js'
export { PubSub } from './pubsub.js'
export type { PubSubOptions } from './pubsub.js'
export { PubSubError } from './errors.js'
export type { PubSubErrorCode } from './errors.js'
export { consoleLogger, silentLogger } from './logger.js'
export type { Logger } from './logger.js'
export { createLogger, fromPino, checkLevel } from './log-format.js'
export type {
  CreateLoggerOptions,
  LeveledLogger,
  LogLevel,
  PinoLike,
  PinoLogFn,
} from './log-format.js'
export { LocalAdapter } from './local-adapter.js'
export type { LocalAdapterOptions } from './local-adapter.js'
export { MemoryBus } from './memory-bus.js'
export type { BusDelivery, BusFaultHook, MemoryBusOptions } from './memory-bus.js'
export { decodeEnvelope, encodeEnvelope } from './envelope.js'
export type { Envelope } from './envelope.js'
export { envelopeHeaderFilter } from './envelope.js'
export { AdapterCore } from './adapter-core.js'
export type { AdapterCoreOptions, AdapterState } from './adapter-core.js'
export { defineEvent, subscribeEvent, brokerEvent } from './events.js'
export type { EventChannel, BrokerEvent, BrokerState } from './events.js'
