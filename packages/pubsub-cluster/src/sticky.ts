// Sticky long-poll for node:cluster workers. The primary hands out connections round-robin,
// so the requests of one long-poll session land on any worker. Each worker issues tokens
// prefixed with its id (the server's `longpoll.tokenPrefix`) and listens on a private
// loopback port announced through the hub; a worker that receives a request bearing
// another worker's token forwards it there over loopback. WebSockets need none of this:
// one connection is one session, and it stays on the worker that accepted it.

import nodeCluster from 'node:cluster'
import { Agent, createServer } from 'node:http'
import type { IncomingMessage, Server, ServerResponse } from 'node:http'
import { silentLogger, type Logger } from '@plume/pubsub'
import { processChannel, type WorkerChannel } from './channel.js'
import { forward, listenLoopback } from './forward.js'
import { TAG, asToWorker } from './wire.js'

/** Options of {@link StickyLongPoll}. */
export interface StickyLongPollOptions {
  /** Long-poll paths to route (the socket path + its long-poll suffix). @default ['/socket/longpoll'] */
  paths?: readonly string[]
  /** This worker's id, named by its tokens. @default cluster.worker.id */
  workerId?: number
  /** The channel to the primary. @default this process's IPC channel */
  channel?: WorkerChannel
  /** Receives failed forwards. @default silentLogger */
  logger?: Logger
}

type Listener = (req: IncomingMessage, res: ServerResponse) => void

const OWNER = /^w(\d+)\./
const ANNOUNCE_TIMEOUT_MS = 5000

/**
 * Routes every request of a long-poll session to the worker that holds the session.
 * @example
 * const sticky = new StickyLongPoll()
 * endpoint.socket('/socket', { channels, longpoll: { tokenPrefix: sticky.tokenPrefix } })
 * endpoint.attach(http)
 * await sticky.attach(http) // after the endpoint: it takes over the request listeners
 */
export class StickyLongPoll {
  /** Pass to the server's `longpoll.tokenPrefix`. */
  readonly tokenPrefix: string
  readonly #id: number
  readonly #paths: ReadonlySet<string>
  readonly #channel: WorkerChannel
  readonly #logger: Logger
  readonly #ports = new Map<number, number>()
  readonly #agent = new Agent({ keepAlive: true })
  #loopback: Server | undefined
  #unsubscribe: (() => void) | undefined

  /** @throws Error when there is no worker id (not a cluster worker and none given). */
  constructor(options: StickyLongPollOptions = {}) {
    const id = options.workerId ?? nodeCluster.worker?.id
    if (id === undefined || !Number.isSafeInteger(id) || id < 0) {
      throw new Error('StickyLongPoll needs a node:cluster worker (or a workerId option)')
    }
    this.#id = id
    this.tokenPrefix = `w${id}.`
    this.#paths = new Set(options.paths ?? ['/socket/longpoll'])
    this.#channel = options.channel ?? processChannel()
    this.#logger = options.logger ?? silentLogger
  }

  /**
   * Takes over `server`'s current request listeners (attach the endpoint first), opens the
   * loopback port and resolves once the hub has told this worker its own entry.
   */
  async attach(server: Server): Promise<void> {
    const listeners = server.listeners('request') as Listener[]
    const local: Listener = (req, res) => {
      for (const l of listeners) l.call(server, req, res)
    }
    server.removeAllListeners('request')
    server.on('request', (req: IncomingMessage, res: ServerResponse) => {
      const port = this.#ownerPort(req)
      if (port === undefined) return local(req, res)
      this.#logger.debug(`plume sticky: long-poll request forwarded to loopback port ${port}`)
      forward(req, res, { port, agent: this.#agent, logger: this.#logger })
    })
    this.#loopback = createServer(local)
    const port = await listenLoopback(this.#loopback)
    await this.#announce(port)
  }

  /** Workers (by id) whose forwarding port this worker knows. */
  get knownWorkers(): number[] {
    return [...this.#ports.keys()]
  }

  /** Closes the loopback port and its connections. */
  async close(): Promise<void> {
    this.#unsubscribe?.()
    this.#agent.destroy()
    const server = this.#loopback
    if (server === undefined) return
    const closed = new Promise<void>((resolve) => server.close(() => resolve()))
    server.closeAllConnections()
    await closed
  }

  /** The port of the worker holding this request's session, when that is another worker. */
  #ownerPort(req: IncomingMessage): number | undefined {
    const url = new URL(req.url ?? '/', 'http://localhost')
    if (!this.#paths.has(url.pathname)) return undefined
    const header = req.headers['x-phoenix-longpoll-token']
    const token = (Array.isArray(header) ? header[0] : header) || url.searchParams.get('token')
    const owner = Number(OWNER.exec(token ?? '')?.[1] ?? this.#id)
    // An unknown owner (a worker that died) falls through: the local server answers 410
    // for the token it does not know, and the client opens a new session.
    return owner === this.#id ? undefined : this.#ports.get(owner)
  }

  #announce(port: number): Promise<void> {
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        reject(
          new Error(
            `no cluster hub answered within ${ANNOUNCE_TIMEOUT_MS} ms: is startClusterHub() running in the primary?`,
          ),
        )
      }, ANNOUNCE_TIMEOUT_MS)
      this.#unsubscribe = this.#channel.subscribe((raw) => {
        const msg = asToWorker(raw)
        if (msg?.t !== 'ports') return
        this.#ports.clear()
        for (const [id, p] of Object.entries(msg.ports)) this.#ports.set(Number(id), p)
        if (this.#ports.get(this.#id) !== port) return
        clearTimeout(timer)
        resolve()
      })
      this.#channel.send({ plume: TAG, t: 'port', port }, (error) => {
        if (error) reject(error)
      })
    })
  }
}
