// Loopback TCP proxy for fault injection between a client and a broker. Its `cut()` is the
// failure no error handler sees: a network partition or a frozen broker, where every socket
// stays open (even a client's FIN gets no answer) and simply nothing gets through any more.
import { once } from 'node:events'
import { createConnection, createServer } from 'node:net'
import type { Server, Socket } from 'node:net'
import { TestkitError } from './errors.js'

/** `up`: client to broker; `down`: broker to client. */
export type ProxyDirection = 'up' | 'down'

/** One proxied client connection (the client's socket paired with one to the broker). */
export interface ProxyLink {
  /** Drops every later byte (and end-of-stream) in `direction`, or both; closes nothing. */
  mute(direction?: ProxyDirection): void
  /** Closes both sockets at once, as a connection reset would. */
  destroy(): void
}

/** Options of {@link TcpProxy.start}. */
export interface TcpProxyOptions {
  /** Sees each chunk before it is forwarded; muting its direction there drops that chunk too. */
  readonly onChunk?: (link: ProxyLink, direction: ProxyDirection, chunk: Buffer) => void
}

/** A proxy on a free 127.0.0.1 port that forwards to `127.0.0.1:upstreamPort`. */
export class TcpProxy {
  /** The proxy's own port, to dial instead of the broker's. */
  readonly port: number
  readonly #server: Server
  readonly #sockets = new Set<Socket>()
  readonly #links = new Set<ProxyLink>()
  #accepted = 0
  #cut = false

  private constructor(server: Server, port: number) {
    this.#server = server
    this.port = port
  }

  /** Listens on a free loopback port. */
  static async start(upstreamPort: number, options: TcpProxyOptions = {}): Promise<TcpProxy> {
    // allowHalfOpen: a cut proxy must not answer a client's FIN, just like a dead peer.
    const server = createServer({ allowHalfOpen: true })
    server.listen(0, '127.0.0.1')
    await once(server, 'listening')
    const address = server.address()
    if (address === null || typeof address === 'string') {
      server.close()
      throw new TestkitError('INVALID_STATE', 'the proxy got no port from the OS')
    }
    const proxy = new TcpProxy(server, address.port)
    server.on('connection', (client: Socket) => proxy.#accept(client, upstreamPort, options))
    return proxy
  }

  /** Connections accepted so far, including the ones refused while cut. */
  get accepted(): number {
    return this.#accepted
  }

  /** The proxy's sockets still open (two per live link), to tell them from a client's. */
  get openSockets(): number {
    return this.#sockets.size
  }

  /** `scheme://127.0.0.1:<port>`, e.g. `url('redis')`. */
  url(scheme: string): string {
    return `${scheme}://127.0.0.1:${this.port}`
  }

  /** Silences every live link in both directions and refuses new connections. */
  cut(): void {
    this.#cut = true
    for (const link of this.#links) link.mute()
  }

  /** Closes every socket and stops listening. */
  async close(): Promise<void> {
    for (const socket of this.#sockets) socket.destroy()
    this.#server.close()
    await once(this.#server, 'close')
  }

  #accept(client: Socket, upstreamPort: number, options: TcpProxyOptions): void {
    this.#accepted++
    this.#track(client)
    if (this.#cut) {
      client.destroy()
      return
    }
    const upstream = createConnection({
      host: '127.0.0.1',
      port: upstreamPort,
      allowHalfOpen: true,
    })
    this.#track(upstream)
    const muted = new Set<ProxyDirection>()
    const link: ProxyLink = {
      mute: (direction) => {
        if (direction !== 'down') muted.add('up')
        if (direction !== 'up') muted.add('down')
      },
      destroy: () => {
        client.destroy()
        upstream.destroy()
      },
    }
    this.#links.add(link)
    const pipe = (from: Socket, to: Socket, direction: ProxyDirection): void => {
      from.on('data', (chunk: Buffer) => {
        options.onChunk?.(link, direction, chunk)
        if (!muted.has(direction)) to.write(chunk)
      })
      // A live peer closing ends the whole link; a muted (dead) one never answers.
      from.on('end', () => {
        if (!muted.has(direction)) link.destroy()
      })
      from.on('close', () => {
        if (from === upstream || !muted.has(direction)) link.destroy()
        this.#links.delete(link)
      })
    }
    pipe(client, upstream, 'up')
    pipe(upstream, client, 'down')
  }

  #track(socket: Socket): void {
    this.#sockets.add(socket)
    socket.on('error', () => undefined)
    socket.on('close', () => this.#sockets.delete(socket))
  }
}
