// Shapes tracker output into the Phoenix wire shapes: `{key: {metas: [...]}}` for
// `presence_state`, `{joins, leaves}` for `presence_diff`. Keys are strings (Phoenix
// stringifies them), and the maps are null-prototype objects so `__proto__` is an ordinary key.
import type { Meta, PresenceDiff } from '@plume/tracker'

/** One key's presences: its metas plus anything `fetch` added beside them. */
export interface PresenceEntry<TMeta extends Meta = Meta> {
  metas: TMeta[]
  [extra: string]: unknown
}

/** `{key: {metas}}`, the payload of `presence_state` and each half of a diff. */
export type PresenceMap<TMeta extends Meta = Meta> = Record<string, PresenceEntry<TMeta>>

/** The payload of `presence_diff`. */
export interface DiffPayload<TMeta extends Meta = Meta> {
  joins: PresenceMap<TMeta>
  leaves: PresenceMap<TMeta>
}

/** Groups `[key, meta]` pairs by key, keeping their order within each key. */
export function groupByKey(pairs: ReadonlyArray<readonly [string, Meta]>): PresenceMap {
  const out: PresenceMap = Object.create(null) as PresenceMap
  for (const [key, meta] of pairs) {
    const entry = out[key]
    if (entry) entry.metas.push(meta)
    else out[key] = { metas: [meta] }
  }
  return out
}

/** The wire payload of a tracker diff, before `fetch`. */
export function diffPayload(diff: PresenceDiff): DiffPayload {
  return { joins: groupByKey(diff.joins), leaves: groupByKey(diff.leaves) }
}
