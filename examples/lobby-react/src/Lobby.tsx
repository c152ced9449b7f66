// Who is online in room:lobby, re-rendered on every presence sync by `usePresence`.
import { useEffect, useMemo } from 'react'
import type { Socket } from '@plume/client'
import { usePresence } from '@plume/client/react'

/** The lobby's meta for each connection (set by the server's track). */
type LobbyMeta = { online_at: string }

/** Joins room:lobby on `socket` while mounted and lists its presences. */
export function Lobby({ socket, name }: { socket: Socket; name: string }) {
  const channel = useMemo(() => socket.channel('room:lobby', {}), [socket])
  // usePresence listens from its first commit, so join after it (this effect runs later).
  const { list } = usePresence<LobbyMeta>(channel)
  useEffect(() => {
    channel.join()
    return () => void channel.leave()
  }, [channel])
  return (
    <main>
      <h1>Who is online</h1>
      <p>
        You are <strong>{name}</strong>. Open this page with <code>?name=Bob</code> in another tab.
      </p>
      <ul aria-label="online users">
        {list.map(({ key, metas }) => (
          <li key={key}>
            {key} (count: {metas.length})
          </li>
        ))}
      </ul>
    </main>
  )
}
