// A framework-free presence store with the `subscribe`/`getSnapshot` shape of React's
// useSyncExternalStore. It keeps one immutable snapshot per sync, so a snapshot's identity
// changes exactly when the presence list changes. Presence updates its state in place, so a
// snapshot holds its own copy of the map (O(state) per sync, like the list it builds anyway).
// Detaching keeps the state for a reattach.
import type { Channel } from './channel.js'
import {
  copy,
  Presence,
  type PresenceEntry,
  type PresenceOptions,
  type PresenceState,
} from './presence.js'

/** What a store hands to renderers. */
export interface PresenceSnapshot<TMeta = Record<string, unknown>> {
  /** Synced presences by key (null prototype). */
  readonly state: PresenceState<TMeta>
  /** The presences as `{key, ...entry}`, in key order. */
  readonly list: ReadonlyArray<PresenceEntry<TMeta> & { key: string }>
}

/** Presence of one channel as an observable store. */
export class PresenceStore<TMeta = Record<string, unknown>> {
  #presence: Presence<TMeta> | null = null
  #snapshot: PresenceSnapshot<TMeta>
  #listeners = new Set<() => void>()
  #joinRef: string | null = null

  constructor(
    readonly channel: Channel,
    private readonly options: PresenceOptions = {},
  ) {
    this.#snapshot = { state: Object.create(null) as PresenceState<TMeta>, list: [] }
    this.attach()
  }

  /** Starts listening to the channel (idempotent); returns `detach`. */
  attach(): () => void {
    if (!this.#presence) {
      const presence = new Presence<TMeta>(this.channel, this.options)
      presence.state = copy(this.#snapshot.state)
      presence.joinRef = this.#joinRef
      presence.onSync(() => this.#publish(presence.state))
      this.#presence = presence
    }
    return () => this.detach()
  }

  /** Stops listening to the channel; the last snapshot stays readable. */
  detach(): void {
    this.#joinRef = this.#presence?.joinRef ?? this.#joinRef
    this.#presence?.dispose()
    this.#presence = null
  }

  /** Adds a change listener; returns its remover. */
  subscribe = (listener: () => void): (() => void) => {
    this.#listeners.add(listener)
    return () => this.#listeners.delete(listener)
  }

  /** The current snapshot (same object until the next sync). */
  getSnapshot = (): PresenceSnapshot<TMeta> => this.#snapshot

  #publish(state: PresenceState<TMeta>): void {
    this.#snapshot = {
      state: copy(state),
      list: Presence.list(state, (key, entry) => ({ ...entry, key })),
    }
    for (const listener of [...this.#listeners]) listener()
  }
}
