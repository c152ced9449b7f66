// Local subscriber registry: topic -> entries. An owner index keeps unsubscribe(topic, owner)
// cheap in topics with tens of thousands of subscribers, and a cached snapshot means repeated
// broadcasts to an unchanged topic allocate nothing (dispatchers get a frozen array).

import type { SubscriberEntry } from './types.js'

interface TopicEntries {
  readonly entries: Set<SubscriberEntry>
  readonly byOwner: Map<unknown, Set<SubscriberEntry>>
  snapshot: readonly SubscriberEntry[] | null
}

const EMPTY: readonly SubscriberEntry[] = Object.freeze([])

export class Registry {
  readonly #topics = new Map<string, TopicEntries>()

  add(topic: string, entry: SubscriberEntry): void {
    let t = this.#topics.get(topic)
    if (t === undefined) {
      t = { entries: new Set(), byOwner: new Map(), snapshot: null }
      this.#topics.set(topic, t)
    }
    t.entries.add(entry)
    t.snapshot = null
    const owned = t.byOwner.get(entry.owner)
    if (owned === undefined) t.byOwner.set(entry.owner, new Set([entry]))
    else owned.add(entry)
  }

  /** Removes one entry; false when it was not registered (already removed). */
  remove(topic: string, entry: SubscriberEntry): boolean {
    const t = this.#topics.get(topic)
    if (t === undefined || !t.entries.delete(entry)) return false
    const owned = t.byOwner.get(entry.owner)
    owned?.delete(entry)
    if (owned?.size === 0) t.byOwner.delete(entry.owner)
    this.#changed(topic, t)
    return true
  }

  /** Removes every entry of `owner` under `topic`; returns how many were removed. */
  removeOwner(topic: string, owner: unknown): number {
    const t = this.#topics.get(topic)
    const owned = t?.byOwner.get(owner)
    if (t === undefined || owned === undefined) return 0
    for (const entry of owned) t.entries.delete(entry)
    t.byOwner.delete(owner)
    this.#changed(topic, t)
    return owned.size
  }

  entries(topic: string): readonly SubscriberEntry[] {
    const t = this.#topics.get(topic)
    if (t === undefined) return EMPTY
    t.snapshot ??= Object.freeze([...t.entries])
    return t.snapshot
  }

  count(topic: string): number {
    return this.#topics.get(topic)?.entries.size ?? 0
  }

  clear(): void {
    this.#topics.clear()
  }

  #changed(topic: string, t: TopicEntries): void {
    t.snapshot = null
    if (t.entries.size === 0) this.#topics.delete(topic)
  }
}
