// System benchmark: the full state of --presences (default 100,000) presences on node A sent
// to a node B that joins, over a private Redis and a private NATS server: time from B's start
// until B holds every presence. Both trackers live in this process (the brokers are real).
// `npm run bench -- transfer [--presences 100000]`.
import { PubSub, silentLogger } from '@plume/pubsub'
import type { Adapter } from '@plume/pubsub'
import { NatsAdapter } from '@plume/pubsub-nats'
import { RedisAdapter } from '@plume/pubsub-redis'
import { startBroker, type Broker, type BrokerKind } from '@plume/testkit'
import { PHOENIX_TRACKER, Tracker } from '@plume/tracker'
import type { TrackerOptions } from '@plume/tracker'
import type { Benchmark, Row } from '../harness.js'
import { flag } from './procs.js'

type Preset = Partial<TrackerOptions>
const LIMIT_MS = 120_000
const SETTLE_MS = 2000

function adapter(broker: Broker, node: string): Adapter {
  const common = { nodeName: node, prefix: `bench-${process.pid}`, logger: silentLogger }
  return broker.kind === 'redis'
    ? new RedisAdapter({ url: broker.url, ...common })
    : new NatsAdapter({ servers: broker.url, ...common })
}

async function node(
  broker: Broker,
  name: string,
  preset: Preset,
): Promise<Tracker & { close(): Promise<void> }> {
  const pubsub = new PubSub({ adapter: adapter(broker, name), logger: silentLogger })
  const tracker = new Tracker({ pubsub, logger: silentLogger, ...preset })
  await tracker.start()
  return Object.assign(tracker, { close: async () => (await tracker.stop(), await pubsub.close()) })
}

async function transfer(
  kind: BrokerKind,
  preset: Preset,
  count: number,
): Promise<number | undefined> {
  const broker = await startBroker(kind)
  const a = await node(broker, 'a', preset)
  for (let i = 0; i < count; i++) a.track(`conn-${i}`, 'room', `user-${i}`, { online_at: i })
  // A's state is settled before B starts: its own replication of the tracks is not timed.
  await new Promise((r) => setTimeout(r, SETTLE_MS))
  const t0 = performance.now()
  const b = await node(broker, 'b', preset)
  const done = await new Promise<number | undefined>((resolve) => {
    const timer = setTimeout(() => resolve(undefined), LIMIT_MS)
    const check = (): void => {
      if (b.count('room') < count) return
      clearTimeout(timer)
      resolve(performance.now() - t0)
    }
    b.onDiff(check)
    check()
  })
  await Promise.all([a.close(), b.close()])
  await broker.stop()
  return done
}

const fmt = (ms: number | undefined): string =>
  ms === undefined ? `> ${LIMIT_MS / 1000} s` : `${(ms / 1000).toFixed(2)} s`

export const systemTransfer: Benchmark = {
  name: 'transfer',
  title: 'full state of 100,000 presences to a joining node over Redis and NATS',
  async run() {
    const count = flag('presences', 100_000)
    const rows: Row[] = []
    for (const kind of ['redis', 'nats'] as const) {
      const plume = await transfer(kind, {}, count)
      const phoenix = await transfer(kind, PHOENIX_TRACKER, count)
      const ratio = plume && phoenix ? `${(phoenix / plume).toFixed(1)}x` : 'n/a'
      rows.push(
        {
          bench: 'transfer',
          case: `${kind}, plume defaults: ${count} presences to a joining node`,
          median: fmt(plume),
          p95: '',
          note: 'from the new node starting to holding every presence',
        },
        {
          bench: 'transfer',
          case: `${kind}, phoenix-equivalent tracker`,
          median: fmt(phoenix),
          p95: '',
          note: `baseline ratio ${ratio}`,
        },
      )
    }
    return rows
  },
}
