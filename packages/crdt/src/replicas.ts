// Replica liveness table as pure functions over an immutable map keyed by node
// name: a heartbeat refreshes or (re)creates an entry, detectDown ages entries by the time
// the caller passes in. Both return the transitions the shard must apply to its state.
import { parseReplicaRef } from './replica-ref.js'
import type { ReplicaRef } from './types.js'

/** What the table knows about one node. */
export interface ReplicaInfo {
  readonly ref: ReplicaRef
  readonly name: string
  readonly vsn: string
  /** Caller's clock (ms) at the last heartbeat. */
  readonly lastHeartbeatAt: number
  readonly status: 'up' | 'down'
}

/** Liveness table: node name → replica (one incarnation per name). */
export type ReplicaTable = ReadonlyMap<string, ReplicaInfo>

/** A status change to apply to the CRDT state, in order. */
export interface Transition {
  readonly kind: 'up' | 'down' | 'permdown'
  readonly ref: ReplicaRef
}

/** Periods of {@link detectDown}, in the caller's clock unit. */
export interface DownPeriods {
  readonly downPeriod: number
  readonly permdownPeriod: number
}

/** Result of a table operation. */
export interface TableUpdate {
  readonly table: ReplicaTable
  readonly transitions: Transition[]
}

/**
 * Records a heartbeat from `ref` at `now`: unknown → up; same vsn → refresh (up again if it
 * was down: netsplit heal); new vsn → the old incarnation goes down (if up) and permdown,
 * then the new one comes up (a restart).
 */
export function heartbeat(
  table: ReplicaTable,
  ref: ReplicaRef,
  now: number,
): TableUpdate & { previous: ReplicaInfo | undefined } {
  const { name, vsn } = parseReplicaRef(ref)
  const previous = table.get(name)
  const next = new Map(table)
  next.set(name, { ref, name, vsn, lastHeartbeatAt: now, status: 'up' })
  const transitions: Transition[] = []
  if (previous && previous.vsn !== vsn) {
    if (previous.status === 'up') transitions.push({ kind: 'down', ref: previous.ref })
    transitions.push({ kind: 'permdown', ref: previous.ref })
  }
  if (!previous || previous.vsn !== vsn || previous.status === 'down')
    transitions.push({ kind: 'up', ref })
  return { table: next, transitions, previous }
}

/**
 * Ages every entry: silent longer than `permdownPeriod` → (down if up, then) permdown and
 * removed; longer than `downPeriod` while up → down.
 */
export function detectDown(table: ReplicaTable, now: number, periods: DownPeriods): TableUpdate {
  const next = new Map(table)
  const transitions: Transition[] = []
  for (const [name, info] of table) {
    const downtime = now - info.lastHeartbeatAt
    if (downtime > periods.permdownPeriod) {
      if (info.status === 'up') transitions.push({ kind: 'down', ref: info.ref })
      transitions.push({ kind: 'permdown', ref: info.ref })
      next.delete(name)
    } else if (downtime > periods.downPeriod && info.status === 'up') {
      transitions.push({ kind: 'down', ref: info.ref })
      next.set(name, { ...info, status: 'down' })
    }
  }
  return { table: next, transitions }
}

/** Graceful permdown of exactly `ref` (ignored when the table holds another incarnation). */
export function permdown(table: ReplicaTable, ref: ReplicaRef): TableUpdate {
  const { name } = parseReplicaRef(ref)
  const info = table.get(name)
  if (!info || info.ref !== ref) return { table, transitions: [] }
  const next = new Map(table)
  next.delete(name)
  const transitions: Transition[] = []
  if (info.status === 'up') transitions.push({ kind: 'down', ref })
  transitions.push({ kind: 'permdown', ref })
  return { table: next, transitions }
}
