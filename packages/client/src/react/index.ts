// React binding: `usePresence(channel)` re-renders on every presence sync. It is a thin
// wrapper over PresenceStore and useSyncExternalStore; React is an optional peer dependency.
import { useEffect, useLayoutEffect, useMemo, useSyncExternalStore } from 'react'
import type { Channel } from '../channel.js'
import type { PresenceOptions } from '../presence.js'
import { PresenceStore, type PresenceSnapshot } from '../presence-store.js'

// Layout effects run at commit, before the browser yields to socket events; the server runs
// no effects, and React 18 warns about useLayoutEffect there.
const useCommitEffect = typeof document === 'undefined' ? useEffect : useLayoutEffect

/**
 * The presences of `channel`, re-rendering on each sync. Render it before (or right after)
 * joining so the first `presence_state` is not missed: it listens from its commit on.
 * @example
 * const { list } = usePresence<{ online_at: string }>(channel)
 * return list.map((p) => <li key={p.key}>{p.key} ({p.metas.length})</li>)
 */
export function usePresence<TMeta = Record<string, unknown>>(
  channel: Channel,
  options?: PresenceOptions,
): PresenceSnapshot<TMeta> {
  const events = options?.events
  const store = useMemo(() => {
    // Detached until committed: React may discard a render (StrictMode calls this twice,
    // transitions restart), and a store attached here would then stay bound to the channel.
    const created = new PresenceStore<TMeta>(channel, events ? { events } : {})
    created.detach()
    return created
  }, [channel, events?.state, events?.diff])
  // Rebinding after a StrictMode cleanup keeps the state; no event is lost in between.
  useCommitEffect(() => store.attach(), [store])
  return useSyncExternalStore(store.subscribe, store.getSnapshot, store.getSnapshot)
}

export { PresenceStore, type PresenceSnapshot }
