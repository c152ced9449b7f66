// A Plume node for the ops suites: endpoint, tracker, presence and a `room:*` channel that
// tracks `user` from the connect params, an http server routing /metrics and the dashboard,
// and a raw WebSocket client speaking the V2 JSON protocol.
import { createServer, type Server } from 'node:http'
import type { AddressInfo } from 'node:net'
import { WebSocket } from 'ws'
import { PubSub, silentLogger, type MemoryBus } from '@plume/pubsub'
import { Endpoint, noReply, ok, Presence, type ChannelHandler } from '@plume/server'
import { Tracker } from '@plume/tracker'
import { within } from '@plume/testkit'
import { Dashboard, Metrics, type DashboardOptions } from '@plume/ops'

export interface OpsNode {
  readonly name: string
  readonly endpoint: Endpoint
  readonly tracker: Tracker
  readonly presence: Presence
  readonly metrics: Metrics
  readonly dashboard: Dashboard | undefined
  readonly url: string
  readonly wsUrl: string
  close(): Promise<void>
}

export interface NodeOptions {
  bus?: MemoryBus
  dashboard?: Omit<DashboardOptions, 'endpoint' | 'tracker' | 'metrics'>
}

function roomChannel(presence: Presence): ChannelHandler<{ user: string }> {
  return {
    join(_topic, _params, ch) {
      ch.send('track')
      return ok()
    },
    handleInfo(message, ch) {
      if (message === 'track') presence.track(ch, ch.assigns.user, { online_at: 1 })
      return noReply()
    },
  }
}

/** Starts a node named `name` on 127.0.0.1, with a fast tracker (50 ms heartbeats). */
export async function startNode(name: string, options: NodeOptions = {}): Promise<OpsNode> {
  const pubsub = new PubSub(
    options.bus ? { adapter: options.bus.adapter(name), logger: silentLogger } : { nodeName: name },
  )
  const endpoint = new Endpoint({ pubsub, logger: silentLogger })
  // Fast heartbeats replicate quickly; a long downPeriod keeps a peer up on a loaded machine.
  const tracker = new Tracker({
    pubsub,
    broadcastPeriod: 50,
    maxSilentPeriods: 2,
    downPeriod: 10_000,
    logger: silentLogger,
  })
  const presence = new Presence({ tracker, sink: endpoint })
  endpoint.socket('/socket', {
    connect: (params) => ({ user: params['user'] ?? 'anon' }),
    channels: [['room:*', roomChannel(presence)]],
    maxChannels: 2,
    websocket: { maxFrameSize: 4096 },
  })
  const metrics = new Metrics({ tracker, node: name, topTopics: 2 })
  const dashboard =
    options.dashboard && new Dashboard({ endpoint, tracker, metrics, ...options.dashboard })
  const http = createServer((req, res) => {
    if (metrics.handle(req, res) || dashboard?.handle(req, res)) return
    res.writeHead(404).end()
  })
  endpoint.attach(http)
  await presence.start()
  const url = await listen(http)
  const close = async (): Promise<void> => {
    metrics.close()
    await presence.stop()
    await endpoint.close()
    http.closeAllConnections()
    await new Promise((resolve) => http.close(resolve))
    await pubsub.close()
  }
  const wsUrl = `${url.replace('http', 'ws')}/socket/websocket?vsn=2.0.0`
  return { name, endpoint, tracker, presence, metrics, dashboard, url, wsUrl, close }
}

async function listen(http: Server): Promise<string> {
  await new Promise<void>((resolve) => http.listen(0, '127.0.0.1', resolve))
  return `http://127.0.0.1:${(http.address() as AddressInfo).port}`
}

type Wire = [string | null, string | null, string, string, unknown]

/** A raw V2 JSON client: join topics and wait for their replies. */
export class Client {
  readonly ws: WebSocket
  readonly #frames: Wire[] = []
  #ref = 0

  private constructor(ws: WebSocket) {
    this.ws = ws
    ws.on('message', (data: Buffer) => this.#frames.push(JSON.parse(data.toString('utf8')) as Wire))
  }

  static async open(wsUrl: string, user: string): Promise<Client> {
    const ws = new WebSocket(`${wsUrl}&user=${encodeURIComponent(user)}`)
    ws.on('error', () => {})
    await within(new Promise((resolve) => ws.once('open', resolve)), 'websocket open')
    return new Client(ws)
  }

  /** Joins `topic`; resolves with the reply status. */
  async join(topic: string): Promise<string> {
    const ref = String(++this.#ref)
    this.ws.send(JSON.stringify([ref, ref, topic, 'phx_join', {}]))
    const reply = await within(this.#reply(ref), `reply to join ${topic}`)
    return (reply[4] as { status: string }).status
  }

  async #reply(ref: string): Promise<Wire> {
    for (;;) {
      const hit = this.#frames.find((f) => f[1] === ref && f[3] === 'phx_reply')
      if (hit) return hit
      await new Promise((resolve) => this.ws.once('message', resolve))
    }
  }

  async close(): Promise<void> {
    const closed = new Promise((resolve) => this.ws.once('close', resolve))
    this.ws.close()
    await within(closed, 'client close')
  }
}
