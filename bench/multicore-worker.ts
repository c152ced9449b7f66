// One server process of the multicore benchmark, forked by node:cluster from multicore.ts:
// an Endpoint on the shared port with a fan-out channel (`fan:*`, `shout` is broadcast to
// the topic) and a presence channel (`presence:*`, tracked on join, as the lobby does).
// With BENCH_SOLO=1 it is a single process on the in-memory default adapter; otherwise a
// ClusterAdapter node. It also runs the latency probe when the primary asks.
import cluster from 'node:cluster'
import { PubSub, silentLogger } from '@plume/pubsub'
import { ClusterAdapter } from '@plume/pubsub-cluster'
import { Endpoint, Presence, noReply, ok, reply, type ChannelHandler } from '@plume/server'
import { Tracker } from '@plume/tracker'
import { ProbeNode } from './multicore-probe.js'

const solo = process.env['BENCH_SOLO'] === '1'
const nodeName = `bench-w${cluster.worker?.id ?? 0}`
const pubsub = new PubSub(
  solo
    ? { logger: silentLogger }
    : { adapter: new ClusterAdapter({ nodeName }), logger: silentLogger },
)
const endpoint = new Endpoint({ pubsub, logger: silentLogger })
const tracker = new Tracker({ pubsub, broadcastPeriod: 200, logger: silentLogger })
const presence = new Presence({ tracker, sink: endpoint })

const fan: ChannelHandler = {
  join: () => ok(),
  async handleIn(event, payload, ch) {
    if (event !== 'shout') return reply('error', { reason: 'unknown event' })
    await ch.broadcast('shout', payload as object)
    return noReply()
  },
}

const room: ChannelHandler<{ user: string }> = {
  join(_topic, _params, ch) {
    ch.send('after_join')
    return ok()
  },
  async handleInfo(message, ch) {
    if (message !== 'after_join') return noReply()
    ch.push('presence_state', await presence.list(ch))
    presence.track(ch, ch.assigns.user, { at: Date.now() })
    return noReply()
  },
}

endpoint.socket('/socket', {
  connect: (params) => ({ user: params['user'] ?? 'anon' }),
  channels: [
    ['fan:*', fan],
    ['presence:*', room],
  ],
})

const probe = new ProbeNode(pubsub)

process.on('message', (raw: { cmd?: string; peer?: string; count?: number }) => {
  if (raw.cmd === 'probe') {
    void probe.run(raw.peer ?? '', raw.count ?? 0).then(() => process.send?.({ done: true }))
  } else if (raw.cmd === 'results') {
    process.send?.({ hopUs: probe.hopUs, presenceUs: probe.presenceUs })
  }
})

await pubsub.start()
await presence.start()
await probe.start()
await endpoint.listen({ port: Number(process.env['BENCH_PORT']), host: '127.0.0.1' })
process.send?.({ ready: nodeName })
