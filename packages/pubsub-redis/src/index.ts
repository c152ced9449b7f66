// Public surface of @plume/pubsub-redis: the adapter and its options.
export { RedisAdapter } from './redis-adapter.js'
export type { RedisAdapterOptions, RedisReconnectOptions } from './options.js'
