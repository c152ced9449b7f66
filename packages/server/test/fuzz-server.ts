// The server under fuzz: a real Endpoint on a free port with Presence, a `room:*` channel
// that tracks metas taken from join params and updates them from pushes (so oversized and
// hostile metas reach the tracker), WebSocket and long-poll enabled.
import { Endpoint, Presence, error, ok, reply, type ChannelHandler } from '@plume/server'
import { PubSub, silentLogger } from '@plume/pubsub'
import { Tracker, TrackerError } from '@plume/tracker'

type Assigns = { user_id: string }

function metaOf(params: unknown): Record<string, unknown> {
  const m =
    typeof params === 'object' && params !== null ? (params as { meta?: unknown }).meta : undefined
  return typeof m === 'object' && m !== null && !Array.isArray(m)
    ? (m as Record<string, unknown>)
    : {}
}

/** Presence errors become error replies, as an app should answer untrusted metas. */
function presenceCall(fn: () => string): { ref: string } | { reason: string } {
  try {
    return { ref: fn() }
  } catch (e) {
    if (e instanceof TrackerError) return { reason: `${e.code}: ${e.message}` }
    throw e
  }
}

function roomChannel(presence: Presence): ChannelHandler<Assigns> {
  return {
    join(_topic, params, ch) {
      const r = presenceCall(() => presence.track(ch, ch.assigns.user_id, metaOf(params)))
      return 'ref' in r ? ok(r) : error(r)
    },
    handleIn(event, payload, ch) {
      if (event !== 'update') return reply('ok', { event: event.slice(0, 20) })
      const meta = payload instanceof Uint8Array ? {} : metaOf(payload)
      const r = presenceCall(() => presence.update(ch, ch.assigns.user_id, meta))
      return reply('ref' in r ? 'ok' : 'error', r)
    },
  }
}

export interface FuzzServer {
  readonly endpoint: Endpoint
  readonly presence: Presence
  readonly wsUrl: string
  readonly lpUrl: string
  readonly errors: unknown[]
  close(): Promise<void>
}

export async function startFuzzServer(): Promise<FuzzServer> {
  const pubsub = new PubSub({ logger: silentLogger })
  const errors: unknown[] = []
  const logger = {
    ...silentLogger,
    error: (msg: string, data?: unknown) => void errors.push([msg, data]),
  }
  const endpoint = new Endpoint({ pubsub, logger: silentLogger })
  const presence = new Presence({ tracker: new Tracker({ pubsub, logger }), sink: endpoint })
  endpoint.socket('/socket', {
    connect: (params) => ({ user_id: String(params['user_id'] ?? 'anon').slice(0, 64) }),
    channels: [['room:*', roomChannel(presence)]],
    longpoll: { windowMs: 5 },
  })
  await presence.start()
  const { url } = await endpoint.listen({ port: 0, host: '127.0.0.1' })
  return {
    endpoint,
    presence,
    errors,
    wsUrl: `${url.replace('http', 'ws')}/socket/websocket?vsn=2.0.0`,
    lpUrl: `${url}/socket/longpoll?vsn=2.0.0`,
    async close() {
      await presence.stop()
      await endpoint.close()
      await pubsub.close()
    },
  }
}
