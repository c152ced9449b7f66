// Public surface of @plume/crdt: the pure Tracker CRDT (docs/tracker.md). Named re-exports only.
export type {
  Changes,
  Clouds,
  Context,
  Delta,
  Entry,
  Meta,
  Payload,
  ReadonlyClouds,
  ReadonlyContext,
  ReplicaRef,
  ReplicaStatus,
  StateExtract,
  Values,
} from './types.js'
export { CrdtError, type CrdtErrorCode } from './errors.js'
export { replicaRef, parseReplicaRef, isReplicaRef, replicaName, tagKey } from './replica-ref.js'
export {
  dominates,
  dominatesOrEqual,
  upperbound,
  lowerbound,
  filterReplicas,
  clockReplicas,
  clocksEqual,
  appendClock,
  clocksetReplicas,
  seen,
  type ClockEntry,
} from './clock.js'
export {
  emptyDelta,
  copyDelta,
  contiguous,
  mergeDeltas,
  deltaSize,
  isDeltaEmpty,
  rangeNonEmpty,
  restrictDelta,
  withoutReplica,
} from './delta.js'
export { TrackerState } from './state.js'
export { DeltaGenerations, pushDelta, pruneGenerations, extractForRemote } from './generations.js'
export {
  heartbeat,
  detectDown,
  permdown,
  type ReplicaInfo,
  type ReplicaTable,
  type Transition,
  type DownPeriods,
  type TableUpdate,
} from './replicas.js'
export {
  encodeContext,
  decodeContext,
  encodePayload,
  encodeDelta,
  encodeState,
  decodePayload,
  decodeDelta,
  type WireContext,
  type WireClouds,
  type WireValue,
  type WireDelta,
  type WireState,
} from './codec.js'
export {
  encodeMessage,
  decodeMessage,
  type ReplicationMessage,
  type WireMessage,
} from './messages.js'
export { describeValue, keyProblem, metaProblem, stringProblem } from './validate.js'
