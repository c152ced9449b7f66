// Presence diffs as the tracker reports them: one {joins, leaves} per topic, grouped from
// the CRDT's element lists while keeping production order inside each list.
import type { Entry } from '@plume/crdt'

/** Presence metadata as handed to listeners (includes `phx_ref`, and `phx_ref_prev` after an update). */
export type Meta = Record<string, unknown>

/** Changes of one topic. An update is one diff holding the leave of the old meta and the join of the new. */
export interface PresenceDiff {
  joins: Array<[key: string, meta: Meta]>
  leaves: Array<[key: string, meta: Meta]>
}

/** Called with each topic's diff, in production order per topic. */
export type DiffListener = (topic: string, diff: PresenceDiff) => void

/** Groups joins and leaves by topic (topics in first-seen order). */
export function groupByTopic(
  joins: readonly Entry[],
  leaves: readonly Entry[],
): Map<string, PresenceDiff> {
  const out = new Map<string, PresenceDiff>()
  const slot = (topic: string): PresenceDiff => {
    let d = out.get(topic)
    if (!d) out.set(topic, (d = { joins: [], leaves: [] }))
    return d
  }
  for (const e of leaves) slot(e.topic).leaves.push([e.key, e.meta])
  for (const e of joins) slot(e.topic).joins.push([e.key, e.meta])
  return out
}
