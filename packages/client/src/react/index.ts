// React binding: `usePresence(channel)` re-renders on every presence sync. It is a thin
// wrapper over PresenceStore and useSyncExternalStore; React is an optional peer dependency.
import { useEffect, useMemo, useSyncExternalStore } from 'react'
import type { Channel } from '../channel.js'
import type { PresenceOptions } from '../presence.js'
import { PresenceStore, type PresenceSnapshot } from '../presence-store.js'

/**
 * The presences of `channel`, re-rendering on each sync. Call it before (or right after)
 * joining so the first `presence_state` is not missed.
 * @example
 * const { list } = usePresence<{ online_at: string }>(channel)
 * return list.map((p) => <li key={p.key}>{p.key} ({p.metas.length})</li>)
 */
export function usePresence<TMeta = Record<string, unknown>>(
  channel: Channel,
  options?: PresenceOptions,
): PresenceSnapshot<TMeta> {
  const events = options?.events
  const store = useMemo(
    () => new PresenceStore<TMeta>(channel, events ? { events } : {}),
    [channel, events?.state, events?.diff],
  )
  // Rebinding after a StrictMode cleanup keeps the state; no event is lost in between.
  useEffect(() => store.attach(), [store])
  return useSyncExternalStore(store.subscribe, store.getSnapshot, store.getSnapshot)
}

export { PresenceStore, type PresenceSnapshot }
