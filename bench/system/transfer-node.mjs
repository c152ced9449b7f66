// One tracker node of the transfer benchmark, in a process of its own on the built packages,
// as a deployed node runs. Plain JavaScript so it loads dist/ without tsx.
//   node transfer-node.mjs source <redis|nats> <url> <prefix> <plume|phoenix> <count>
//     tracks <count> presences, then reports 'ready' and serves its state until killed.
//   node transfer-node.mjs joiner <redis|nats> <url> <prefix> <plume|phoenix> <count>
//     reports 'loaded'; on 'go' starts its tracker and reports the ms from that start
//     until it holds every presence ('done'), or 'timeout' after 120 s.
// TRANSFER_TRACE=1 prints each node's tracker events on one wall clock (ms since the epoch).
import { PubSub, silentLogger } from '@plume/pubsub'
import { NatsAdapter } from '@plume/pubsub-nats'
import { RedisAdapter } from '@plume/pubsub-redis'
import { PHOENIX_TRACKER, Tracker } from '@plume/tracker'
import { subscribe } from 'node:diagnostics_channel'

const [role, kind, url, prefix, preset, countArg] = process.argv.slice(2)
const count = Number(countArg)
const LIMIT_MS = 120_000

if (process.env.TRANSFER_TRACE) {
  for (const name of ['plume.tracker.replica', 'plume.tracker.transfer', 'plume.tracker.merge']) {
    subscribe(name, (e) => {
      const { type, kind, step, replica, shard } = e
      const what = JSON.stringify({ type, kind, step, replica, shard })
      console.error(`${role} ${performance.timeOrigin + performance.now()} ${name} ${what}`)
    })
  }
}

function tracker() {
  const common = { nodeName: role, prefix, logger: silentLogger }
  const adapter =
    kind === 'redis'
      ? new RedisAdapter({ url, ...common })
      : new NatsAdapter({ servers: url, ...common })
  const pubsub = new PubSub({ adapter, logger: silentLogger })
  return new Tracker({ pubsub, logger: silentLogger, ...(preset === 'phoenix' && PHOENIX_TRACKER) })
}

async function source() {
  const t = tracker()
  await t.start()
  for (let i = 0; i < count; i++) t.track(`conn-${i}`, 'room', `user-${i}`, { online_at: i })
  process.send({ t: 'ready' })
}

async function joiner() {
  const t = tracker()
  process.send({ t: 'loaded' })
  await new Promise((resolve) => process.once('message', resolve))
  const t0 = performance.now()
  if (process.env.TRANSFER_TRACE) console.error(`${role} ${performance.timeOrigin + t0} go`)
  const timer = setTimeout(() => process.send({ t: 'timeout' }), LIMIT_MS)
  let done = false
  const check = () => {
    if (done || t.count('room') < count) return
    done = true
    clearTimeout(timer)
    process.send({ t: 'done', ms: performance.now() - t0 })
  }
  t.onDiff(check)
  await t.start()
  if (process.env.TRANSFER_TRACE)
    console.error(`${role} ${performance.timeOrigin + performance.now()} started`)
  check()
}

// 'stop' exits cleanly, so a --cpu-prof profile gets written.
process.on('message', (m) => m.t === 'stop' && process.exit(0))
await (role === 'source' ? source() : joiner())
