// Distinct present keys per count-only topic, followed from the diff stream, so sending a
// count costs O(1) rather than listing the topic (a 10,000-member room counted on every join
// and every window would cost O(N) each time). A topic is seeded from the tracker the first
// time a diff names it (the tracker's state then already includes that diff) and dropped
// when its last key leaves.
import type { PresenceDiff } from '@plume/tracker'

/** What the counts read to seed a topic: its presences as `[key, meta]` pairs. */
export type ListTopic = (topic: string) => ReadonlyArray<readonly [string, unknown]>

export class KeyCounts {
  /** topic → key → number of presences of that key. */
  readonly #topics = new Map<string, Map<string, number>>()
  readonly #list: ListTopic

  constructor(list: ListTopic) {
    this.#list = list
  }

  /** Distinct keys present on `topic`. */
  count(topic: string): number {
    return (this.#topics.get(topic) ?? this.#seed(topic)).size
  }

  /** Follows one diff of `topic`, which the tracker's state already includes. */
  apply(topic: string, diff: PresenceDiff): void {
    const keys = this.#topics.get(topic)
    if (keys === undefined) {
      const seeded = this.#seed(topic)
      if (seeded.size > 0) this.#topics.set(topic, seeded)
      return
    }
    for (const [key] of diff.leaves) {
      const n = (keys.get(key) ?? 0) - 1
      if (n > 0) keys.set(key, n)
      else keys.delete(key)
    }
    for (const [key] of diff.joins) keys.set(key, (keys.get(key) ?? 0) + 1)
    if (keys.size === 0) this.#topics.delete(topic)
  }

  #seed(topic: string): Map<string, number> {
    const keys = new Map<string, number>()
    for (const [key] of this.#list(topic)) keys.set(key, (keys.get(key) ?? 0) + 1)
    return keys
  }
}
