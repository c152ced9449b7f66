// The server-side presence client (Phoenix's `handle_metas`): keeps `topic -> key -> metas`
// up to date from the diffs and hands each subscriber the diff plus the topic's presences.
// Metas are matched by `phx_ref`, the one field every meta has and no two share.
import type { Meta } from '@plume/tracker'
import type { DiffPayload } from './grouping.js'

/** Called after each diff with a snapshot of the topic's presences as `key -> metas`. */
export type MetasHandler = (
  topic: string,
  diff: DiffPayload,
  presences: ReadonlyMap<string, readonly Meta[]>,
) => void

export class MetasStore {
  readonly #topics = new Map<string, Map<string, Meta[]>>()

  has(topic: string): boolean {
    return this.#topics.has(topic)
  }

  /** Replaces a topic's presences with `[key, meta]` pairs; returns a snapshot. */
  seed(
    topic: string,
    pairs: ReadonlyArray<readonly [string, Meta]>,
  ): ReadonlyMap<string, readonly Meta[]> {
    const keys = new Map<string, Meta[]>()
    for (const [key, meta] of pairs) keys.set(key, [...(keys.get(key) ?? []), meta])
    return this.#store(topic, keys)
  }

  /** Applies a diff (joins first, then leaves) and returns a snapshot of the topic after it. */
  apply(topic: string, diff: DiffPayload): ReadonlyMap<string, readonly Meta[]> {
    const keys = this.#topics.get(topic) ?? new Map<string, Meta[]>()
    for (const [key, { metas }] of Object.entries(diff.joins)) {
      const current = keys.get(key) ?? []
      const known = new Set(current.map(ref))
      keys.set(key, [...current, ...metas.filter((m) => !known.has(ref(m)))])
    }
    for (const [key, { metas }] of Object.entries(diff.leaves)) {
      const gone = new Set(metas.map(ref))
      const left = (keys.get(key) ?? []).filter((m) => !gone.has(ref(m)))
      if (left.length > 0) keys.set(key, left)
      else keys.delete(key)
    }
    return this.#store(topic, keys)
  }

  clear(): void {
    this.#topics.clear()
  }

  #store(topic: string, keys: Map<string, Meta[]>): ReadonlyMap<string, readonly Meta[]> {
    if (keys.size > 0) this.#topics.set(topic, keys)
    else this.#topics.delete(topic)
    // Handlers may keep what they get: hand out a copy, since later diffs change `keys`.
    return new Map(keys)
  }
}

function ref(meta: Meta): unknown {
  return meta['phx_ref']
}
