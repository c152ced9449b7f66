// The seam below the transports that `@plume/server/testing` plugs into: an endpoint hands
// out a mounted socket's handler and opens connections over any SocketLike, exactly as
// its WebSocket transport does once a handshake is accepted. Not part of the public API.

import type { Connection } from './connection.js'
import type { SocketHandler } from './socket-handler.js'
import type { SocketLike } from './transports/socket-like.js'
import type { Accepted } from './transports/websocket.js'

/** Key of the endpoint's in-process entry; deliberately absent from the package index. */
export const inProcess = Symbol('plume.inProcess')

/** A mounted socket as the in-process test transport sees it. */
export interface InProcessMount {
  readonly handler: SocketHandler
  /** Opens a connection over `socket` as an accepted transport would (undefined if refused). */
  open(socket: SocketLike, auth: Accepted): Connection | undefined
}
