// Merge planning and full extraction: which remote elements are joins and which local elements the
// remote has observed and dropped (leaves). Read-only; TrackerState applies the plan. A
// delta can only cause leaves through the tombstone dots in its clouds, so planning costs
// O(size of the delta); a full state is checked against the local elements of the
// replicas present in the remote context.
import { filterReplicas, seen } from './clock.js'
import { tagKey } from './replica-ref.js'
import type { ElementStore } from './store.js'
import type {
  Clouds,
  Entry,
  Payload,
  ReadonlyClouds,
  ReadonlyContext,
  ReplicaRef,
  StateExtract,
} from './types.js'

/** What planning needs from the local state. */
export interface LocalView {
  readonly self: ReplicaRef
  readonly context: ReadonlyContext
  readonly clouds: ReadonlyClouds
  readonly store: ElementStore
}

/** Joins and leaves a merge would apply (before visibility filtering). */
export interface MergePlan {
  readonly joins: Entry[]
  readonly leaves: Entry[]
}

function planJoins(local: LocalView, remote: Payload): Entry[] {
  const joins: Entry[] = []
  for (const e of remote.values.values()) {
    // Never accept elements of replicas we have not heard from (or have permdowned):
    // that is what keeps ghosts out (issue phoenix_pubsub#80).
    if (e.replica === local.self || !local.context.has(e.replica)) continue
    if (seen(local.context, local.clouds, e.replica, e.clock)) continue
    joins.push(e)
  }
  return joins
}

function planDeltaLeaves(local: LocalView, remote: Payload): Entry[] {
  const leaves: Entry[] = []
  for (const [r, dots] of remote.clouds) {
    if (r === local.self) continue
    const tags = local.store.ofReplica(r)
    if (tags.size === 0) continue
    for (const c of dots) {
      const e = tags.get(c)
      if (e && !remote.values.has(tagKey(r, c))) leaves.push(e)
    }
  }
  return leaves
}

function planStateLeaves(local: LocalView, remote: Payload & { mode: 'normal' }): Entry[] {
  const leaves: Entry[] = []
  const replicas = new Set([...remote.context.keys(), ...remote.clouds.keys()])
  for (const r of replicas) {
    if (r === local.self) continue
    for (const [c, e] of local.store.ofReplica(r)) {
      if (!remote.values.has(tagKey(r, c)) && seen(remote.context, remote.clouds, r, c))
        leaves.push(e)
    }
  }
  return leaves
}

/** Plans the merge of `remote` into the local state without changing anything. */
export function planMerge(local: LocalView, remote: Payload): MergePlan {
  const joins = planJoins(local, remote)
  const leaves =
    remote.mode === 'delta' ? planDeltaLeaves(local, remote) : planStateLeaves(local, remote)
  return { joins, leaves }
}

/**
 * Full extract for a remote with context `remoteContext`: elements, context and
 * clouds of the replicas the remote knows only, so nothing it has permdowned (or never
 * heard of) is resurrected through us.
 */
export function extractFor(local: LocalView, remoteContext: ReadonlyContext): StateExtract {
  const known = [...remoteContext.keys()].filter((r) => local.context.has(r))
  const values = new Map<string, Entry>()
  const clouds: Clouds = new Map()
  for (const r of known) {
    for (const [c, e] of local.store.ofReplica(r)) values.set(tagKey(r, c), e)
    const dots = local.clouds.get(r)
    if (dots) clouds.set(r, new Set(dots))
  }
  return { mode: 'normal', context: filterReplicas(local.context, known), clouds, values }
}
