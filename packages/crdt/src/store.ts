// The element store of one state: every element once, reachable by its dot (for merges,
// O(1) per dot), by topic (for list/count) and by owner (for untrack-all). Empty inner maps
// are deleted at once, so churn (frequent updates, issue #175) never grows memory.
import { tagKey } from './replica-ref.js'
import type { Entry, ReplicaRef } from './types.js'

function addTo<K, V>(outer: Map<K, Map<string, V>>, k: K, inner: string, v: V): void {
  let m = outer.get(k)
  if (!m) outer.set(k, (m = new Map<string, V>()))
  m.set(inner, v)
}

function removeFrom<K, V>(outer: Map<K, Map<string, V>>, k: K, inner: string): void {
  const m = outer.get(k)
  if (!m) return
  m.delete(inner)
  if (m.size === 0) outer.delete(k)
}

/** Indexed element storage. Mutable; owned by one {@link TrackerState}. */
export class ElementStore {
  readonly #byTag = new Map<ReplicaRef, Map<number, Entry>>()
  readonly #byTopic = new Map<string, Map<string, Entry>>()
  readonly #byOwner = new Map<string, Map<string, Entry>>()
  /** topic → replica → number of elements, so `count` costs O(replicas), not O(topic). */
  readonly #counts = new Map<string, Map<ReplicaRef, number>>()
  #size = 0

  get size(): number {
    return this.#size
  }

  get(replica: ReplicaRef, clock: number): Entry | undefined {
    return this.#byTag.get(replica)?.get(clock)
  }

  add(e: Entry): void {
    let tags = this.#byTag.get(e.replica)
    if (!tags) this.#byTag.set(e.replica, (tags = new Map<number, Entry>()))
    if (tags.has(e.clock)) return
    tags.set(e.clock, e)
    const k = tagKey(e.replica, e.clock)
    addTo(this.#byTopic, e.topic, k, e)
    addTo(this.#byOwner, e.owner, k, e)
    let counts = this.#counts.get(e.topic)
    if (!counts) this.#counts.set(e.topic, (counts = new Map<ReplicaRef, number>()))
    counts.set(e.replica, (counts.get(e.replica) ?? 0) + 1)
    this.#size++
  }

  remove(e: Entry): boolean {
    const tags = this.#byTag.get(e.replica)
    if (!tags?.delete(e.clock)) return false
    if (tags.size === 0) this.#byTag.delete(e.replica)
    const k = tagKey(e.replica, e.clock)
    removeFrom(this.#byTopic, e.topic, k)
    removeFrom(this.#byOwner, e.owner, k)
    const counts = this.#counts.get(e.topic)
    const n = (counts?.get(e.replica) ?? 1) - 1
    if (counts && n > 0) counts.set(e.replica, n)
    else if (counts) {
      counts.delete(e.replica)
      if (counts.size === 0) this.#counts.delete(e.topic)
    }
    this.#size--
    return true
  }

  /** Elements created by one replica, keyed by clock (live view; copy before mutating). */
  ofReplica(replica: ReplicaRef): ReadonlyMap<number, Entry> {
    return this.#byTag.get(replica) ?? new Map<number, Entry>()
  }

  ofTopic(topic: string): Iterable<Entry> {
    return this.#byTopic.get(topic)?.values() ?? []
  }

  ofOwner(owner: string): Iterable<Entry> {
    return this.#byOwner.get(owner)?.values() ?? []
  }

  /** Number of elements of `topic` whose replica passes `visible`. */
  count(topic: string, visible: (r: ReplicaRef) => boolean): number {
    let n = 0
    for (const [r, c] of this.#counts.get(topic) ?? []) if (visible(r)) n += c
    return n
  }

  topics(): IterableIterator<string> {
    return this.#byTopic.keys()
  }

  all(): IterableIterator<Entry> {
    return this.#allEntries()
  }

  *#allEntries(): IterableIterator<Entry> {
    for (const tags of this.#byTag.values()) yield* tags.values()
  }
}
