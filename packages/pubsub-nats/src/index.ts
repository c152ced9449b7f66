// Public surface of @plume/pubsub-nats: the adapter and its options.
export { NatsAdapter } from './nats-adapter.js'
export type { NatsAdapterOptions, Subjects } from './options.js'
