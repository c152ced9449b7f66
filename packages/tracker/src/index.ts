// Public surface of @plume/tracker: the Tracker runtime, its options and errors, and the
// injected Scheduler other packages reuse. Named re-exports only.
export { Tracker } from './tracker.js'
export { PHOENIX_TRACKER } from './options.js'
export type { TrackerOptions } from './options.js'
export type { Meta, PresenceDiff, DiffListener } from './diff.js'
export { TrackerError, type TrackerErrorCode } from './errors.js'
export { systemScheduler, ManualScheduler, type Scheduler, type Cancel } from './scheduler.js'
export { checkWireMeta, DEFAULT_MAX_META_BYTES, MAX_META_DEPTH } from './meta-limits.js'
export { fnv1a32, shardFor } from './ids.js'
export type { ReplicaInfo } from '@plume/crdt'
export type { PresenceStats } from './stats.js'
export { replicaEvent, transferEvent, mergeEvent } from './events.js'
export type { ReplicaEvent, TransferEvent, MergeEvent } from './events.js'
