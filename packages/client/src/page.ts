// Page lifecycle handling (spec §5.2): pagehide disconnects and pageshow reconnects; a tab
// becoming visible again reconnects at once after an unclean close instead of waiting for
// the backoff. A socket that never connected is never connected by these events.
import type { PageLike } from './options.js'
import type { Socket } from './socket.js'

/**
 * @internal Wires `page` events to `socket`; `reconnectNow` tears down and connects. The
 * socket watches for its whole life, so the removers `page.on` returns are not kept.
 */
export function watchPage(socket: Socket, page: PageLike, reconnectNow: () => void): void {
  let awaitingShow: number | null = null
  page.on('pagehide', () => {
    const conn = socket.connection
    if (!conn || conn.ended) return
    socket.disconnect()
    awaitingShow = socket.connectClock
  })
  page.on('pageshow', () => {
    if (awaitingShow !== socket.connectClock) return
    awaitingShow = null
    socket.connect()
  })
  page.on('visibilitychange', () => {
    if (!page.hidden && !socket.isConnected() && !socket.closeWasClean) reconnectNow()
  })
}
