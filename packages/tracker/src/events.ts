// The tracker's diagnostics events (see docs/operations.md): replica liveness transitions,
// state transfers and merges of remote changes, on `node:diagnostics_channel`. Replication
// messages carry their send time (`at`) so a merge can report how late it arrived. The
// publish helpers return at once while nobody listens, before building any payload.
import { defineEvent } from '@plume/pubsub'
import { replicaName } from '@plume/crdt'
import type { ReplicaRef, Transition } from '@plume/crdt'
import type { Scheduler } from './scheduler.js'

/** `plume.tracker.replica`: a remote replica of one shard went up, down or permdown. */
export interface ReplicaEvent {
  /** This node. */
  readonly node: string
  readonly shard: number
  /** The remote node's name. */
  readonly peer: string
  /** Its replica ref (`name#vsn`): one per incarnation. */
  readonly replica: string
  readonly status: 'up' | 'down' | 'permdown'
}

/** `plume.tracker.transfer`: one step of a state transfer with a peer. */
export interface TransferEvent {
  readonly node: string
  readonly shard: number
  readonly peer: string
  /** `requested`: we asked the peer; `answered`: we replied to its request; `received`: its reply merged here. */
  readonly stage: 'requested' | 'answered' | 'received'
}

/** `plume.tracker.merge`: a remote heartbeat's delta or a transfer was merged here. */
export interface MergeEvent {
  readonly node: string
  readonly shard: number
  readonly peer: string
  /** Visible presences that joined and left through this merge. */
  readonly joins: number
  readonly leaves: number
  /**
   * Milliseconds from the peer sending the change to its merge here, or undefined when
   * the peer did not stamp it. Across hosts it includes their wall-clock skew.
   */
  readonly lagMs: number | undefined
}

/** `plume.tracker.replica`: A remote replica went up, down or permdown. */
export const replicaEvent = defineEvent<ReplicaEvent>('plume.tracker.replica')
/** `plume.tracker.transfer`: A state-transfer step. */
export const transferEvent = defineEvent<TransferEvent>('plume.tracker.transfer')
/** `plume.tracker.merge`: Remote changes were merged here. */
export const mergeEvent = defineEvent<MergeEvent>('plume.tracker.merge')

/**
 * Wall-clock milliseconds through the injected scheduler: the process's time origin plus
 * its monotonic clock, so a virtual test clock yields deterministic stamps.
 */
export function stampNow(scheduler: Scheduler): number {
  return performance.timeOrigin + scheduler.now()
}

/** Adds the send stamp to an encoded message (peers that do not know it ignore it). */
export function stamped<T extends object>(wire: T, scheduler: Scheduler): T & { at: number } {
  return { ...wire, at: stampNow(scheduler) }
}

/** The send stamp of a raw message, when it has a usable one. */
export function sentAt(raw: unknown): number | undefined {
  const at = typeof raw === 'object' && raw !== null ? (raw as { at?: unknown }).at : undefined
  return typeof at === 'number' && Number.isFinite(at) ? at : undefined
}

/** What the publishers need of a shard's options. */
interface Source {
  readonly pubsub: { readonly nodeName: string }
  readonly scheduler: Scheduler
}

/** Publishes a liveness transition of a remote replica. */
export function publishReplica(o: Source, shard: number, t: Transition): void {
  if (!replicaEvent.hasSubscribers) return
  const peer = replicaName(t.ref)
  replicaEvent.publish({ node: o.pubsub.nodeName, shard, peer, replica: t.ref, status: t.kind })
}

/** Publishes one step of a state transfer. */
export function publishTransfer(
  o: Source,
  shard: number,
  from: ReplicaRef,
  stage: TransferEvent['stage'],
): void {
  if (!transferEvent.hasSubscribers) return
  transferEvent.publish({ node: o.pubsub.nodeName, shard, peer: replicaName(from), stage })
}

/** Publishes a merge of remote changes, with its lag when the message was stamped. */
export function publishMerge(
  o: Source,
  shard: number,
  from: ReplicaRef,
  changes: { readonly joins: readonly unknown[]; readonly leaves: readonly unknown[] },
  sent: number | undefined,
): void {
  if (!mergeEvent.hasSubscribers) return
  mergeEvent.publish({
    node: o.pubsub.nodeName,
    shard,
    peer: replicaName(from),
    joins: changes.joins.length,
    leaves: changes.leaves.length,
    lagMs: sent === undefined ? undefined : Math.max(0, stampNow(o.scheduler) - sent),
  })
}
