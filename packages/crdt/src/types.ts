// The data shapes of the Tracker CRDT (docs/tracker.md): replica refs, dots, causal
// contexts, clouds, elements and the two payload kinds a merge accepts (a full state
// extract or a delta). Everything keyed by a user-controlled string is a Map.

/** Presence metadata. Opaque to the CRDT; the tracker puts `phx_ref` in it. */
export type Meta = Readonly<Record<string, unknown>>

/** A replica identity `"<name>#<vsn>"`; a restart gets a new vsn, hence a new replica. */
export type ReplicaRef = string

/** Causal context (version vector): replica → highest contiguous clock seen. */
export type Context = Map<ReplicaRef, number>

/** Read-only view of a {@link Context}. */
export type ReadonlyContext = ReadonlyMap<ReplicaRef, number>

/** Dots seen but not (yet) contiguous with the context, per replica. */
export type Clouds = Map<ReplicaRef, Set<number>>

/** Read-only view of {@link Clouds}. */
export type ReadonlyClouds = ReadonlyMap<ReplicaRef, ReadonlySet<number>>

/**
 * One tracked presence. `(replica, clock)` is its dot (the "tag" of the event that created
 * it); `(topic, owner, key)` is unique among the elements of one replica.
 */
export interface Entry {
  readonly replica: ReplicaRef
  readonly clock: number
  readonly owner: string
  readonly topic: string
  readonly key: string
  readonly meta: Meta
}

/** Elements of a payload keyed by {@link tagKey}. */
export type Values = ReadonlyMap<string, Entry>

/**
 * Changes of an interval: adds in `values`, and the dots of every event in `clouds` (for a
 * remove, its dots act as tombstones). `start`/`end` are the producer-side clocks bounding
 * the interval. A delta is never mutated once handed out.
 */
export interface Delta {
  readonly mode: 'delta'
  readonly values: Values
  readonly clouds: ReadonlyClouds
  readonly start: ReadonlyContext
  readonly end: ReadonlyContext
}

/** A full state as sent to one remote (restricted to the replicas that remote knows). */
export interface StateExtract {
  readonly mode: 'normal'
  readonly context: ReadonlyContext
  readonly clouds: ReadonlyClouds
  readonly values: Values
}

/** What `merge` accepts. */
export type Payload = Delta | StateExtract

/** Result of a merge or of a replica status change: elements that became (in)visible. */
export interface Changes {
  readonly joins: Entry[]
  readonly leaves: Entry[]
}

/** Replica status inside the CRDT state (own replica is always up). */
export type ReplicaStatus = 'up' | 'down'
