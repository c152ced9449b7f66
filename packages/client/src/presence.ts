// Client-side presence sync (see docs/presence.md). syncDiff updates a null-prototype state in
// place, as phoenix.js does, so a diff costs O(diff) even in huge rooms (phoenix PR #3510);
// entries, metas arrays and diffs are never mutated. Null-prototype maps keep keys like
// `__proto__` plain data. The instance tracks one channel's presence_state/diff.
import type { Channel } from './channel.js'

/** One presence meta as the server sends it: user fields plus `phx_ref`. */
export type PresenceMeta<TMeta = Record<string, unknown>> = TMeta & {
  phx_ref: string
  phx_ref_prev?: string
}

/** Everything known about one key: its metas (one per tracked connection). */
export interface PresenceEntry<TMeta = Record<string, unknown>> {
  metas: PresenceMeta<TMeta>[]
}

/** Presences by key, as in `presence_state`. */
export type PresenceState<TMeta = Record<string, unknown>> = Record<string, PresenceEntry<TMeta>>

/** A `presence_diff` payload. */
export interface PresenceDiff<TMeta = Record<string, unknown>> {
  joins: PresenceState<TMeta>
  leaves: PresenceState<TMeta>
}

/** Called for each key that gained metas: `current` is the entry before the join. */
export type OnJoin<TMeta> = (
  key: string,
  current: PresenceEntry<TMeta> | undefined,
  joined: PresenceEntry<TMeta>,
) => void
/** Called for each key that lost metas: `current` is the entry after the removal. */
export type OnLeave<TMeta> = (
  key: string,
  current: PresenceEntry<TMeta>,
  left: PresenceEntry<TMeta>,
) => void

/** Event names the instance listens to. */
export interface PresenceOptions {
  /** @default {state: "presence_state", diff: "presence_diff"} */
  events?: { state: string; diff: string }
}

const noop = (): void => {}
const keys = (o: object): string[] => Object.getOwnPropertyNames(o)
const empty = <T>(): Record<string, T> => Object.create(null) as Record<string, T>
const own = <T>(o: Record<string, T>, k: string): T | undefined =>
  Object.hasOwn(o, k) ? o[k] : undefined
const refs = <TMeta>(p: PresenceEntry<TMeta>): Set<string> => new Set(p.metas.map((m) => m.phx_ref))
/** @internal A null-prototype shallow copy of `o` (own keys, including `__proto__`). */
export const copy = <T>(o: Record<string, T>): Record<string, T> => {
  const out = empty<T>()
  for (const k of keys(o)) out[k] = o[k] as T
  return out
}
const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null

/** Tracks the presences of one channel, buffering diffs until the state for the current join. */
export class Presence<TMeta = Record<string, unknown>> {
  /**
   * The synced presences (null prototype). A diff updates this object in place; a
   * `presence_state` replaces it with a new object.
   */
  state: PresenceState<TMeta> = empty()
  /** Diffs received before the state of the current join. */
  pendingDiffs: PresenceDiff<TMeta>[] = []
  /** The channel join the state belongs to. */
  joinRef: string | null = null
  #onJoin: OnJoin<TMeta> = noop
  #onLeave: OnLeave<TMeta> = noop
  #onSync: () => void = noop
  #bindings: Array<[string, number]> = []

  /** Listens on `channel` for presence state and diff events. */
  constructor(
    readonly channel: Channel,
    opts: PresenceOptions = {},
  ) {
    const events = opts.events ?? { state: 'presence_state', diff: 'presence_diff' }
    this.#bindings = [
      [events.state, channel.on(events.state, (s: unknown) => this.#receiveState(s))],
      [events.diff, channel.on(events.diff, (d: unknown) => this.#receiveDiff(d))],
    ]
  }

  /** Sets the join callback. */
  onJoin(callback: OnJoin<TMeta>): void {
    this.#onJoin = callback
  }
  /** Sets the leave callback. */
  onLeave(callback: OnLeave<TMeta>): void {
    this.#onLeave = callback
  }
  /** Sets the callback run once per applied state or diff. */
  onSync(callback: () => void): void {
    this.#onSync = callback
  }

  /** Lists the presences, optionally mapped by `chooser`. */
  list(): PresenceEntry<TMeta>[]
  list<TOut>(chooser: (key: string, presence: PresenceEntry<TMeta>) => TOut): TOut[]
  list<TOut>(chooser?: (key: string, presence: PresenceEntry<TMeta>) => TOut): unknown[] {
    return Presence.list(this.state, chooser as (key: string, p: PresenceEntry<TMeta>) => TOut)
  }

  /** True until a state arrives for the channel's current join. */
  inPendingSyncState(): boolean {
    return this.joinRef === null || this.joinRef !== this.channel.joinRef()
  }

  /** Stops listening to the channel. */
  dispose(): void {
    for (const [event, ref] of this.#bindings) this.channel.off(event, ref)
    this.#bindings = []
  }

  #receiveState(next: unknown): void {
    if (!isObject(next)) return
    this.joinRef = this.channel.joinRef()
    this.state = Presence.syncState(
      this.state,
      next as PresenceState<TMeta>,
      this.#onJoin,
      this.#onLeave,
    )
    for (const diff of this.pendingDiffs) {
      this.state = Presence.syncDiff(this.state, diff, this.#onJoin, this.#onLeave)
    }
    this.pendingDiffs = []
    this.#onSync()
  }

  #receiveDiff(diff: unknown): void {
    if (!isObject(diff)) return
    const d = { joins: diff['joins'] ?? {}, leaves: diff['leaves'] ?? {} } as PresenceDiff<TMeta>
    if (this.inPendingSyncState()) {
      this.pendingDiffs.push(d)
    } else {
      this.state = Presence.syncDiff(this.state, d, this.#onJoin, this.#onLeave)
      this.#onSync()
    }
  }

  /**
   * Returns the state `current` becomes when the server's full state is `next`, reporting
   * the difference through the callbacks. Works on a null-prototype copy of `current`
   * (O(state)), so neither `current` nor `next` is mutated; always use the return value.
   */
  static syncState<TMeta>(
    current: PresenceState<TMeta>,
    next: PresenceState<TMeta>,
    onJoin: OnJoin<TMeta> = noop,
    onLeave: OnLeave<TMeta> = noop,
  ): PresenceState<TMeta> {
    const state = copy(current)
    const joins: PresenceState<TMeta> = empty()
    const leaves: PresenceState<TMeta> = empty()
    for (const key of keys(current)) {
      if (!Object.hasOwn(next, key)) leaves[key] = current[key] as PresenceEntry<TMeta>
    }
    for (const key of keys(next)) {
      const nextPresence = next[key] as PresenceEntry<TMeta>
      const cur = own(current, key)
      if (!cur) {
        joins[key] = nextPresence
        continue
      }
      const nextRefs = refs(nextPresence)
      const curRefs = refs(cur)
      const joined = nextPresence.metas.filter((m) => !curRefs.has(m.phx_ref))
      const left = cur.metas.filter((m) => !nextRefs.has(m.phx_ref))
      if (joined.length > 0) joins[key] = { ...nextPresence, metas: joined }
      if (left.length > 0) leaves[key] = { ...cur, metas: left }
    }
    return Presence.syncDiff(state, { joins, leaves }, onJoin, onLeave)
  }

  /**
   * Applies a diff: joins first (old metas kept before new ones), then leaves matched by
   * `phx_ref`; keys left without metas are removed. Costs O(size of the diff).
   *
   * As in phoenix.js, a `state` with a null prototype (every state this class returns) is
   * updated in place and returned (so a frozen one throws a TypeError, as in phoenix.js).
   * Any other object (e.g. a literal `{}`) is first copied once into a null-prototype map,
   * which is updated and returned while `state` stays untouched; so always keep the return
   * value (`presences = Presence.syncDiff(presences, diff)`).
   * Only the map's own keys change: a touched key gets a new entry object with a new `metas`
   * array, so entry objects and `metas` arrays already in `state`, and everything in `diff`,
   * are never mutated (`onJoin`'s `current` is the untouched pre-join entry).
   */
  static syncDiff<TMeta>(
    state: PresenceState<TMeta>,
    diff: PresenceDiff<TMeta>,
    onJoin: OnJoin<TMeta> = noop,
    onLeave: OnLeave<TMeta> = noop,
  ): PresenceState<TMeta> {
    // Only a null-prototype map is ours to update in place; anything else is copied once.
    const result = Object.getPrototypeOf(state) === null ? state : copy(state)
    const { joins, leaves } = diff
    for (const key of keys(joins)) {
      const joined = joins[key] as PresenceEntry<TMeta>
      const cur = own(result, key)
      const joinedRefs = refs(joined)
      const kept = cur ? cur.metas.filter((m) => !joinedRefs.has(m.phx_ref)) : []
      result[key] = { ...joined, metas: [...kept, ...joined.metas] }
      onJoin(key, cur, joined)
    }
    for (const key of keys(leaves)) {
      const cur = own(result, key)
      if (!cur) continue
      const left = leaves[key] as PresenceEntry<TMeta>
      const leftRefs = refs(left)
      const remaining = { ...cur, metas: cur.metas.filter((m) => !leftRefs.has(m.phx_ref)) }
      result[key] = remaining
      onLeave(key, remaining, left)
      if (remaining.metas.length === 0) delete result[key]
    }
    return result
  }

  /** Maps each presence through `chooser` (default: the presence itself), in key order. */
  static list<TMeta>(presences: PresenceState<TMeta>): PresenceEntry<TMeta>[]
  static list<TMeta, TOut>(
    presences: PresenceState<TMeta>,
    chooser: (key: string, presence: PresenceEntry<TMeta>) => TOut,
  ): TOut[]
  static list<TMeta, TOut>(
    presences: PresenceState<TMeta>,
    chooser?: (key: string, presence: PresenceEntry<TMeta>) => TOut,
  ): unknown[] {
    return keys(presences).map((k) => {
      const p = presences[k] as PresenceEntry<TMeta>
      return chooser ? chooser(k, p) : p
    })
  }
}
