// Public surface of @plume/pubsub-cluster: the worker's adapter, the primary's hub and the
// worker's sticky long-poll routing (named re-exports only).

export { ClusterAdapter } from './cluster-adapter.js'
export type { ClusterAdapterOptions } from './options.js'
export { processChannel } from './channel.js'
export type { WorkerChannel } from './channel.js'
export { startClusterHub } from './hub.js'
export type { ClusterHub, ClusterHubOptions } from './hub.js'
export { StickyLongPoll } from './sticky.js'
export type { StickyLongPollOptions } from './sticky.js'
