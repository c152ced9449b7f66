// Presence counts for operators: visible presences per topic and per node, counted from the
// shards' states in one pass. Metrics and the dashboard read this at scrape time.
import { replicaName } from '@plume/crdt'
import type { TrackerState } from '@plume/crdt'

/** Visible presences (down replicas excluded) of the whole tracker, this node's view. */
export interface PresenceStats {
  /** Presence count per topic. */
  readonly topics: Map<string, number>
  /** Presence count per node name (the node that tracked them). */
  readonly nodes: Map<string, number>
  /** Sum of all topics. */
  readonly total: number
}

function bump(map: Map<string, number>, key: string): void {
  map.set(key, (map.get(key) ?? 0) + 1)
}

/** Counts the visible presences of `states`, O(presences). */
export function presenceStats(states: readonly TrackerState[]): PresenceStats {
  const topics = new Map<string, number>()
  const nodes = new Map<string, number>()
  let total = 0
  for (const state of states) {
    for (const entry of state.visibleEntries()) {
      bump(topics, entry.topic)
      bump(nodes, replicaName(entry.replica))
      total++
    }
  }
  return { topics, nodes, total }
}
