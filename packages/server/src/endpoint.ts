// The Endpoint: mounts sockets (endpoint.socket), serves them on an http.Server (attach or
// listen), owns the connection registry, and exposes fastlane broadcasts, drain and close.
// Everything per-connection lives in Connection; everything per-transport in transports/.

import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http'
import type { AddressInfo } from 'node:net'
import type { Duplex } from 'node:stream'
import { PubSub } from '@plume/pubsub'
import { systemScheduler, type Scheduler } from './time.js'
import { Connection } from './connection.js'
import { drainPlan, type DrainOptions } from './drain-plan.js'
import { ServerError } from './errors.js'
import { broadcastMessage, createFastlaneDispatcher, FASTLANE_DISPATCHER } from './fastlane.js'
import { attachToServer, type Mounts } from './http-attach.js'
import { inProcess, type InProcessMount } from './in-process.js'
import { defaultLogger } from './logger.js'
import type { Payload } from './results.js'
import { SocketHandler } from './socket-handler.js'
import { LongPollTransport } from './transports/longpoll.js'
import { CloseCode, type SocketLike } from './transports/socket-like.js'
import { WebSocketTransport, type Accepted } from './transports/websocket.js'
import type { Assigns, EndpointOptions, Logger, SocketOptions, TransportName } from './types.js'
import { assertPayload } from './validate.js'

/** Options of {@link Endpoint.listen}. */
export interface ListenOptions {
  /** @default 0 (any free port) */
  port?: number
  /** @default '127.0.0.1' */
  host?: string
}

/**
 * A Phoenix-compatible endpoint: sockets, channels and fastlane broadcasts.
 * @example
 * const endpoint = new Endpoint()
 * endpoint.socket('/socket', { channels: [['room:*', RoomChannel]], longpoll: true })
 * const { url } = await endpoint.listen({ port: 4000 })
 */
export class Endpoint {
  /** The PubSub carrying broadcasts (shared by the whole cluster through its adapter). */
  readonly pubsub: PubSub
  readonly #ownsPubSub: boolean
  readonly #scheduler: Scheduler
  readonly #logger: Logger
  readonly #options: EndpointOptions
  readonly #websockets = new Map<string, WebSocketTransport>()
  readonly #longpolls = new Map<string, LongPollTransport>()
  readonly #connections = new Set<Connection>()
  readonly #handlers = new Map<string, SocketHandler>()
  readonly #detach = new Map<Server, () => void>()
  #server: Server | undefined
  #starting: Promise<void> | undefined
  #state: 'open' | 'draining' | 'closed' = 'open'
  readonly #mounts: Mounts = {
    upgrade: (req, socket, head, url) => this.#upgrade(req, socket, head, url),
    request: (req, res, url) => this.#request(req, res, url),
  }

  constructor(options: EndpointOptions = {}) {
    this.#options = options
    this.#logger = options.logger ?? defaultLogger
    this.#scheduler = options.scheduler ?? systemScheduler
    this.#ownsPubSub = options.pubsub === undefined
    this.pubsub = options.pubsub ?? new PubSub({ logger: this.#logger })
    this.pubsub.registerDispatcher(FASTLANE_DISPATCHER, createFastlaneDispatcher(this.#logger))
  }

  /** This node's name in the cluster (the PubSub's). */
  get nodeName(): string {
    return this.pubsub.nodeName
  }

  /** The injected clock and timers; channels that arm timers here can be driven by tests. */
  get scheduler(): Scheduler {
    return this.#scheduler
  }

  /** Number of open connections on this endpoint. */
  get connectionCount(): number {
    return this.#connections.size
  }

  /**
   * Mounts a socket handler at `path` (WebSocket at `${path}/websocket`, long-poll at
   * `${path}/longpoll` when enabled). Throws `INVALID_CONFIG` on bad routes or options.
   */
  socket<TAssigns extends Assigns = Assigns>(path: string, options: SocketOptions<TAssigns>): this {
    if (this.#state === 'closed') throw new ServerError('CLOSED', 'the endpoint is closed')
    const defaults = {
      checkOrigin: this.#options.checkOrigin,
      host: this.#options.host,
      logger: this.#logger,
    }
    const handler = new SocketHandler(path, options as unknown as SocketOptions, defaults)
    const { websocketPath, longpollPath } = handler.options
    for (const p of [websocketPath, longpollPath]) {
      if (p !== undefined && (this.#websockets.has(p) || this.#longpolls.has(p))) {
        throw new ServerError('INVALID_CONFIG', `a socket is already mounted at ${p}`)
      }
    }
    this.#handlers.set(handler.options.path, handler)
    const deps = {
      scheduler: this.#scheduler,
      logger: this.#logger,
      accepting: () => this.#state === 'open',
      open: (socket: SocketLike, h: SocketHandler, auth: Accepted, transport: TransportName) =>
        this.#open(socket, h, auth, transport),
    }
    if (websocketPath !== undefined)
      this.#websockets.set(websocketPath, new WebSocketTransport(handler, deps))
    if (longpollPath !== undefined)
      this.#longpolls.set(longpollPath, new LongPollTransport(handler, deps))
    return this
  }

  /** Serves the mounted sockets on an existing server; its other requests are left alone. Call it after installing your own request handler. */
  attach(server: Server): this {
    if (this.#state === 'closed') throw new ServerError('CLOSED', 'the endpoint is closed')
    if (!this.#detach.has(server))
      this.#detach.set(server, attachToServer(server, this.#mounts, this.#logger))
    this.start().catch((error: unknown) =>
      this.#logger.error('plume: PubSub failed to start', { error }),
    )
    return this
  }

  /** Starts the endpoint's own PubSub (no-op for a PubSub passed in options). */
  start(): Promise<void> {
    this.#starting ??= this.#ownsPubSub ? this.pubsub.start() : Promise.resolve()
    return this.#starting
  }

  /** Creates an http.Server, attaches, listens; resolves with the bound port and base URL. */
  async listen(options: ListenOptions = {}): Promise<{ port: number; url: string }> {
    if (this.#server !== undefined)
      throw new ServerError('INVALID_CONFIG', 'listen() was already called')
    const server = createServer()
    this.#server = server
    this.attach(server)
    await this.start()
    // close() may have run meanwhile: never listen (or hang) on a closed endpoint.
    const closedError = (): ServerError =>
      new ServerError('CLOSED', 'the endpoint was closed while listen() was starting')
    if (this.#state === 'closed') throw closedError()
    const host = options.host ?? '127.0.0.1'
    await new Promise<void>((resolve, reject) => {
      const onClose = (): void => reject(closedError())
      server.once('error', reject)
      server.once('close', onClose)
      server.listen(options.port ?? 0, host, () => {
        server.off('error', reject)
        server.off('close', onClose)
        resolve()
      })
    })
    const { port } = server.address() as AddressInfo
    return { port, url: `http://${host.includes(':') ? `[${host}]` : host}:${port}` }
  }

  /** Fastlane broadcast to every subscriber of `topic`, cluster-wide. Rejects if the PubSub cannot send. */
  broadcast(topic: string, event: string, payload: Payload): Promise<void> {
    assertPayload(payload, 'broadcast')
    return this.pubsub.broadcast(topic, broadcastMessage(topic, event, payload), {
      dispatcher: FASTLANE_DISPATCHER,
    })
  }

  /** Fastlane broadcast to the subscribers of `topic` on this node only (synchronous). */
  localBroadcast(topic: string, event: string, payload: Payload): void {
    assertPayload(payload, 'broadcast')
    this.pubsub.localBroadcast(topic, broadcastMessage(topic, event, payload), {
      dispatcher: FASTLANE_DISPATCHER,
    })
  }

  /**
   * Closes every connection in batches (WebSocket close 1012, long-poll sessions end;
   * channels terminate with 'draining'), so clients reconnect elsewhere. By default the
   * batches are sized to the connection count and spread over 10 s (see {@link DrainOptions}),
   * so the clients do not all land on the next node at once. New connections are
   * refused from now on (WebSocket 503, long-poll status 500).
   */
  async drain(options: DrainOptions = {}): Promise<void> {
    const { batchSize, batchInterval } = drainPlan(this.#connections.size, options)
    if (this.#state === 'open') this.#state = 'draining'
    const connections = [...this.#connections]
    for (let i = 0; i < connections.length; i += batchSize) {
      if (i > 0) await new Promise<void>((resolve) => this.#scheduler.after(batchInterval, resolve))
      for (const c of connections.slice(i, i + batchSize))
        c.close(CloseCode.serviceRestart, 'draining', 'draining')
    }
  }

  /** Closes every connection, detaches from servers, closes the server `listen` created and the own PubSub. */
  async close(): Promise<void> {
    if (this.#state === 'closed') return
    this.#state = 'closed'
    for (const c of [...this.#connections])
      c.close(CloseCode.goingAway, 'server shutdown', 'shutdown')
    for (const lp of this.#longpolls.values()) lp.close()
    await Promise.all([...this.#websockets.values()].map((ws) => ws.close()))
    for (const detach of this.#detach.values()) detach()
    this.#detach.clear()
    const server = this.#server
    if (server !== undefined) {
      const closed = new Promise<void>((resolve) => server.close(() => resolve()))
      server.closeAllConnections()
      await closed
    }
    if (this.#ownsPubSub) await this.pubsub.close()
  }

  /** `await using endpoint = new Endpoint()` closes it. */
  [Symbol.asyncDispose](): Promise<void> {
    return this.close()
  }

  /** The socket mounted at `path`, for the in-process transport of `@plume/server/testing`. */
  [inProcess](path: string): InProcessMount | undefined {
    const handler = this.#handlers.get(path)
    return handler && { handler, open: (s, auth) => this.#open(s, handler, auth, 'websocket') }
  }

  /** Routes an upgrade to the socket mounted at its path. */
  #upgrade(req: IncomingMessage, socket: Duplex, head: Buffer, url: URL): boolean {
    const transport = this.#websockets.get(url.pathname)
    if (transport === undefined) return false
    transport.upgrade(req, socket, head, url).catch((error: unknown) => {
      this.#logger.error('plume: websocket upgrade failed', { error })
      socket.destroy()
    })
    return true
  }

  /** Routes a long-poll request; a plain request to a WebSocket path is a bad upgrade (400). */
  #request(req: IncomingMessage, res: ServerResponse, url: URL): boolean {
    if (this.#websockets.has(url.pathname)) {
      const text =
        req.method === 'GET' ? 'expected a WebSocket upgrade' : 'WebSocket upgrades must use GET'
      res.writeHead(400, { 'content-type': 'text/plain; charset=utf-8' }).end(text)
      return true
    }
    const transport = this.#longpolls.get(url.pathname)
    if (transport === undefined) return false
    transport.handle(req, res, url).catch((error: unknown) => {
      this.#logger.error('plume: long-poll request failed', { error })
      if (!res.headersSent) res.writeHead(500).end()
    })
    return true
  }

  #open(
    socket: SocketLike,
    handler: SocketHandler,
    auth: Accepted,
    transport: TransportName,
  ): Connection | undefined {
    if (this.#state !== 'open') {
      // The transports re-check before opening; this keeps drain and close exhaustive anyway.
      socket.close(CloseCode.serviceRestart, 'draining')
      return undefined
    }
    try {
      const connection = this.#newConnection(socket, handler, auth, transport)
      this.#connections.add(connection)
      if (auth.address !== undefined) socket.onClose(handler.peers.acquire(auth.address))
      return connection
    } catch (error) {
      // e.g. a PubSub closed under us: refuse this one connection, keep serving.
      this.#logger.error('plume: cannot open connection', { error })
      socket.close(CloseCode.internalError, 'internal error')
      return undefined
    }
  }

  #newConnection(
    socket: SocketLike,
    handler: SocketHandler,
    auth: Accepted,
    transport: TransportName,
  ): Connection {
    return new Connection({
      socket,
      transport,
      serializer: auth.serializer,
      assigns: auth.assigns,
      socketId: auth.socketId,
      router: handler,
      endpoint: this,
      pubsub: this.pubsub,
      scheduler: this.#scheduler,
      logger: this.#logger,
      onClosed: (c) => this.#connections.delete(c),
    })
  }
}
