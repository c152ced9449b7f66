// Test helpers: a raw `ws` client that queues frames and awaits them with a bounded
// timeout (no sleeps), a capturing logger, and an endpoint factory that tears down.

import { WebSocket } from 'ws'
import { within } from '@plume/testkit'
import type { PubSub } from '@plume/pubsub'
import type { Scheduler } from '@plume/tracker'
import {
  Endpoint,
  type Assigns,
  type ChannelEndpoint,
  type EndpointOptions,
  type Logger,
  type SocketOptions,
} from '@plume/server'

/** The endpoint a Connection built by hand sees: broadcasts go nowhere. */
export function stubEndpoint(pubsub: PubSub, scheduler: Scheduler): ChannelEndpoint {
  const broadcast = (): Promise<void> => Promise.resolve()
  return { pubsub, nodeName: 'n', connectionCount: 1, scheduler, broadcast, localBroadcast() {} }
}

export interface LogEntry {
  level: 'debug' | 'info' | 'warn' | 'error'
  msg: string
  data: Record<string, unknown> | undefined
}

export function captureLogger(): Logger & { entries: LogEntry[] } {
  const entries: LogEntry[] = []
  const at = (level: LogEntry['level']) => (msg: string, data?: Record<string, unknown>) => {
    entries.push({ level, msg, data })
  }
  return { entries, debug: at('debug'), info: at('info'), warn: at('warn'), error: at('error') }
}

export type Wire = [string | null, string | null, string, string, unknown]

/** A raw WebSocket client that records every frame. */
export class RawClient {
  readonly ws: WebSocket
  readonly received: Array<string | Buffer> = []
  #waiters: Array<() => void> = []
  #ref = 0
  closed: Promise<{ code: number; reason: string }>

  constructor(url: string, protocols?: string[], headers?: Record<string, string>) {
    this.ws = new WebSocket(url, protocols, headers === undefined ? {} : { headers })
    this.ws.on('message', (data, isBinary) => {
      this.received.push(isBinary ? (data as Buffer) : (data as Buffer).toString('utf8'))
      for (const w of this.#waiters.splice(0)) w()
    })
    this.ws.on('error', () => {})
    this.closed = new Promise((resolve) => {
      this.ws.on('close', (code, reason) => resolve({ code, reason: reason.toString() }))
    })
  }

  static async open(
    url: string,
    protocols?: string[],
    headers?: Record<string, string>,
  ): Promise<RawClient> {
    const c = new RawClient(url, protocols, headers)
    await within(
      new Promise<void>((resolve, reject) => {
        c.ws.once('open', () => resolve())
        c.ws.once('unexpected-response', (_req, res) => reject(new Error(`HTTP ${res.statusCode}`)))
        c.ws.once('error', reject)
      }),
      'websocket open',
    )
    return c
  }

  nextRef(): string {
    return String(++this.#ref)
  }

  send(frame: Wire | string | Uint8Array): void {
    this.ws.send(
      typeof frame === 'string' || frame instanceof Uint8Array ? frame : JSON.stringify(frame),
    )
  }

  /** Sends phx_join and returns its ref (= join_ref). */
  join(topic: string, params: unknown = {}): string {
    const ref = this.nextRef()
    this.send([ref, ref, topic, 'phx_join', params])
    return ref
  }

  /** Waits for (and removes) the first frame matching `pred`. */
  async take(pred: (m: Wire) => boolean = () => true, label = 'a frame'): Promise<Wire> {
    const raw = await this.takeRaw(
      (f) => typeof f === 'string' && pred(JSON.parse(f) as Wire),
      label,
    )
    return JSON.parse(raw as string) as Wire
  }

  async takeRaw(
    pred: (f: string | Buffer) => boolean,
    label = 'a frame',
  ): Promise<string | Buffer> {
    const find = (): string | Buffer | undefined => {
      const i = this.received.findIndex(pred)
      return i === -1 ? undefined : this.received.splice(i, 1)[0]
    }
    return within(
      (async () => {
        for (;;) {
          const hit = find()
          if (hit !== undefined) return hit
          await new Promise<void>((resolve) => this.#waiters.push(resolve))
        }
      })(),
      label,
    )
  }

  /** Next frame in arrival order. */
  next(label?: string): Promise<Wire> {
    return this.take(() => true, label)
  }

  reply(ref: string): Promise<Wire> {
    return this.take((m) => m[1] === ref && m[3] === 'phx_reply', `reply to ${ref}`)
  }

  async close(): Promise<void> {
    if (this.ws.readyState !== WebSocket.CLOSED) this.ws.close()
    await within(this.closed, 'client close')
  }
}

/** Starts an endpoint on 127.0.0.1:0 with one socket at /socket. */
export async function startEndpoint<TAssigns extends Assigns = Assigns>(
  socket: SocketOptions<TAssigns>,
  options: EndpointOptions = {},
): Promise<{
  endpoint: Endpoint
  url: string
  wsUrl: string
  logger: ReturnType<typeof captureLogger>
}> {
  const logger = captureLogger()
  const endpoint = new Endpoint({ logger, ...options })
  endpoint.socket('/socket', socket)
  const { url } = await endpoint.listen({ port: 0, host: '127.0.0.1' })
  return { endpoint, url, wsUrl: `${url.replace('http', 'ws')}/socket/websocket`, logger }
}

/** Resolves with the HTTP status of a refused WebSocket handshake (fails if it opens). */
export function refusedStatus(
  url: string,
  options: { protocols?: string[]; headers?: Record<string, string> } = {},
): Promise<number> {
  const ws = new WebSocket(
    url,
    options.protocols,
    options.headers === undefined ? {} : { headers: options.headers },
  )
  ws.on('error', () => {})
  return within(
    new Promise<number>((resolve, reject) => {
      ws.once('unexpected-response', (_req, res) => {
        resolve(res.statusCode ?? 0)
        res.resume()
        ws.terminate()
      })
      ws.once('open', () => {
        ws.close()
        reject(new Error('handshake unexpectedly succeeded'))
      })
    }),
    'refused handshake',
  )
}
