// The page script of react.test.ts, bundled with esbuild and run in headless Chromium: it
// renders a `usePresence` list into #root and exposes `window.plumeReact` so the test can
// mount, unmount and read what the page saw. Plain createElement keeps the tests free of JSX.
import { createElement, StrictMode, type ReactElement } from 'react'
import { flushSync } from 'react-dom'
import { createRoot, type Root } from 'react-dom/client'
import { Socket, type Channel } from '@plume/client'
import { usePresence } from '@plume/client/react'

/** What the page exposes to the test as `window.plumeReact`. */
export interface ReactPage {
  /** Connects as `user`, renders `<Users>` for `topic` (before joining), then joins. */
  mount(base: string, user: string, topic: string, strict: boolean): void
  /** Unmounts the root; the channel stays joined. */
  unmount(): void
  /** Bindings currently on the channel (Presence adds two while attached). */
  bindings(): number
  /** How many times `<Users>` rendered. */
  renders: number
  /** presence_diff pushes that reached the channel after `unmount`. */
  diffsAfterUnmount: number
}

let channel: Channel | null = null
let root: Root | null = null

function Users({ channel }: { channel: Channel }): ReactElement {
  const { list } = usePresence(channel)
  page.renders++
  return createElement(
    'ul',
    null,
    list.map((p) => createElement('li', { key: p.key }, `${p.key} (count: ${p.metas.length})`)),
  )
}

const page: ReactPage = {
  renders: 0,
  diffsAfterUnmount: 0,
  mount(base, user, topic, strict) {
    const socket = new Socket(base, { params: { user_id: user } })
    socket.connect()
    const ch = socket.channel(topic, {})
    channel = ch
    const container = document.getElementById('root')
    if (!container) throw new Error('no #root')
    root = createRoot(container)
    const users = createElement(Users, { channel: ch })
    // flushSync: the hook must be listening before the join's presence_state can arrive.
    flushSync(() => root?.render(strict ? createElement(StrictMode, null, users) : users))
    ch.join()
  },
  unmount() {
    root?.unmount() // synchronous: effects are cleaned up on return
    // Our own binding after the hook's are gone, so the test can wait for a diff to land.
    channel?.on('presence_diff', () => page.diffsAfterUnmount++)
  },
  // The channel's own reply routing (phx_reply, chan_reply_<ref>) is not counted.
  bindings: () =>
    channel?.bindings.filter((b) => !/^(phx_reply|chan_reply_)/.test(b.event)).length ?? 0,
}

;(window as unknown as { plumeReact: ReactPage }).plumeReact = page
