// Page lifecycle handling: pagehide disconnects and pageshow reconnects; a tab becoming
// visible again reconnects at once after an unclean close instead of waiting for the backoff.
// A socket that never connected is never connected by these events, and the page (window and
// document by default) is only looked up when the socket first connects.
import { browserPage, type PageLike } from './options.js'

/** @internal What page handling reads of a connection. */
export interface PageConnection {
  /** @internal Set once the socket no longer wants the connection. */
  readonly ended: boolean
}

/** @internal What page handling needs from the socket. */
export interface PageSocket {
  /** @internal The socket's connection lifecycle. */
  readonly life: {
    /** @internal The current connection; `ended` once the socket no longer wants it. */
    readonly connection: PageConnection | null
    /** @internal Bumped on every connect and disconnect. */
    readonly clock: number
  }
  readonly closeWasClean: boolean
  isConnected(): boolean
  connect(): void
  disconnect(): void
}

/**
 * @internal Looks up the page (`option`, or the browser's window/document when undefined) and
 * wires its events to `socket`; `reconnectNow` tears down and connects. Returns the page, or
 * null without one. The socket watches for its whole life, so the removers are not kept.
 */
export function watchPage(
  socket: PageSocket,
  option: PageLike | null | undefined,
  reconnectNow: () => void,
): PageLike | null {
  const page = option === undefined ? browserPage() : option
  if (!page) return null
  let awaitingShow: number | null = null
  page.on('pagehide', () => {
    const conn = socket.life.connection
    if (!conn || conn.ended) return
    socket.disconnect()
    awaitingShow = socket.life.clock
  })
  page.on('pageshow', () => {
    if (awaitingShow !== socket.life.clock) return
    awaitingShow = null
    socket.connect()
  })
  page.on('visibilitychange', () => {
    if (!page.hidden && !socket.isConnected() && !socket.closeWasClean) reconnectNow()
  })
  return page
}
