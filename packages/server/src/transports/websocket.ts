// WebSocket transport on the `ws` library: runs the handshake pipeline on an
// HTTP upgrade, answers refusals with a plain HTTP status, and adapts each accepted `ws`
// socket to SocketLike (ws-socket.ts, which also keeps the server-side idle timeout).

import type { IncomingMessage } from 'node:http'
import { STATUS_CODES } from 'node:http'
import type { Duplex } from 'node:stream'
import type { Scheduler } from '../time.js'
import { WebSocket, WebSocketServer } from 'ws'
import type { Connection } from '../connection.js'
import type { Authorization, Handshake, Refusal, SocketHandler } from '../socket-handler.js'
import type { Logger, TransportName } from '../types.js'
import type { SocketLike } from './socket-like.js'
import { reportFrameLimit } from '../events.js'
import { negotiateSubprotocol, type Negotiation } from './subprotocols.js'
import { WsSocket } from './ws-socket.js'

/** A successful handshake. */
export type Accepted = Authorization & { ok: true }

/** What the transport needs from the endpoint. */
export interface TransportDeps {
  readonly scheduler: Scheduler
  readonly logger: Logger
  /** False while draining or closed: new connections are refused with 503. */
  accepting(): boolean
  /** Creates the Connection for an accepted socket. */
  open(
    socket: SocketLike,
    handler: SocketHandler,
    auth: Accepted,
    transport: TransportName,
  ): Connection | undefined
}

export class WebSocketTransport {
  readonly #handler: SocketHandler
  readonly #deps: TransportDeps
  readonly #wss: WebSocketServer
  /** The subprotocol decided for each request being upgraded. */
  readonly #chosen = new WeakMap<IncomingMessage, string>()

  constructor(handler: SocketHandler, deps: TransportDeps) {
    this.#handler = handler
    this.#deps = deps
    this.#wss = new WebSocketServer({
      noServer: true,
      maxPayload: handler.options.maxFrameSize,
      perMessageDeflate: handler.options.compress,
      // ws asks only when the client offered subprotocols; the choice was made in upgrade().
      handleProtocols: (_offered, req) => this.#chosen.get(req) ?? false,
    })
  }

  /** Handles an upgrade request whose path is this socket's WebSocket path. */
  async upgrade(req: IncomingMessage, socket: Duplex, head: Buffer, url: URL): Promise<void> {
    const onError = (error: Error): void =>
      this.#deps.logger.debug('plume: upgrade socket error', { error })
    socket.on('error', onError)
    if (req.method !== 'GET') return reject(socket, 400, 'WebSocket upgrades must use GET')
    if (!this.#deps.accepting()) return reject(socket, 503)
    const negotiation = negotiateSubprotocol(
      req.headers['sec-websocket-protocol'],
      this.#handler.options.subprotocols,
    )
    const auth = await this.#handler.authorize({
      transport: 'websocket',
      url,
      headers: req.headers,
      peer: peerOf(socket),
      authToken: negotiation.ok ? negotiation.authToken : undefined,
      afterOrigin: () => (negotiation.ok ? undefined : this.#refuse(negotiation)),
    })
    if (!auth.ok) return reject(socket, auth.status, auth.body)
    // connect may have run across a drain or close: refuse rather than open a connection late.
    if (!this.#deps.accepting()) return reject(socket, 503)
    if (socket.destroyed || !negotiation.ok) return
    if (negotiation.protocol !== undefined) this.#chosen.set(req, negotiation.protocol)
    this.#wss.handleUpgrade(req, socket, head, (ws) => {
      socket.off('error', onError)
      reportFrameLimit(ws, this.#handler.options.maxFrameSize)
      const options = {
        timeout: this.#handler.options.timeout,
        scheduler: this.#deps.scheduler,
        logger: this.#deps.logger,
        maxOutboundBytes: this.#handler.options.limits.maxOutboundBytes,
      }
      const wsSocket = new WsSocket(ws, options)
      // The idle clock starts once a connection owns the socket, not for a refused one.
      const connection = this.#deps.open(wsSocket, this.#handler, auth, 'websocket')
      if (connection !== undefined) wsSocket.start()
    })
  }

  #refuse(negotiation: Negotiation & { ok: false }): Refusal {
    this.#deps.logger.warn(`plume: ${negotiation.reason}; refused`, {
      status: negotiation.status,
    })
    // A 400 is an invalid upgrade and says why; a 403 says nothing, like the others.
    return {
      status: negotiation.status,
      body: negotiation.status === 400 ? negotiation.reason : '',
    }
  }

  /** Stops accepting and waits (at most `graceMs`) for open sockets to finish closing. */
  async close(graceMs = 1000): Promise<void> {
    const open = [...this.#wss.clients].filter((ws) => ws.readyState !== WebSocket.CLOSED)
    const closed = Promise.all(
      open.map((ws) => new Promise((resolve) => ws.once('close', resolve))),
    )
    let timer: NodeJS.Timeout | undefined
    // A real timer on purpose: shutdown must finish even under a virtual test scheduler.
    const grace = new Promise((resolve) => (timer = setTimeout(resolve, graceMs)))
    await Promise.race([closed, grace])
    clearTimeout(timer)
    for (const ws of open) ws.terminate()
    this.#wss.close()
  }
}

function peerOf(socket: Duplex): Handshake['peer'] {
  const net = socket as Duplex & { remoteAddress?: string; remotePort?: number }
  return { address: net.remoteAddress, port: net.remotePort }
}

function reject(socket: Duplex, status: number, body = ''): void {
  if (socket.destroyed) return
  const text = STATUS_CODES[status] ?? 'Error'
  socket.once('finish', () => socket.destroy())
  socket.end(
    `HTTP/1.1 ${status} ${text}\r\nConnection: close\r\nContent-Type: text/plain; charset=utf-8\r\n` +
      `Content-Length: ${Buffer.byteLength(body)}\r\n\r\n${body}`,
  )
}
