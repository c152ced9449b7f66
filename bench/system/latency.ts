// System benchmark: cross-node latency. Three lobby processes joined over Redis, then NATS;
// a watcher client on node B; at random moments inside a window a client joins room:lobby on
// node A; each sample is from A's join reply to the key's presence_diff on B.
// `npm run bench -- latency [--samples 200] [--window 10]`.
import type { BrokerKind } from '@plume/testkit'
import type { Benchmark, Row } from '../harness.js'
import { pct, startCluster, Watcher } from './cluster.js'
import { flag, PHOENIX_ENV } from './procs.js'
import { lobbyUrl, WireClient } from './wire-client.js'

async function sample(
  portA: number,
  index: number,
  watcher: Watcher,
  delay: number,
): Promise<number> {
  await new Promise((r) => setTimeout(r, delay))
  const client = new WireClient(lobbyUrl(portA, index), 'room:lobby', 1)
  const seen = watcher.when(index, true)
  await client.joined
  const t0 = performance.now()
  const ms = (await seen) - t0
  client.close()
  return ms
}

async function measure(
  kind: BrokerKind,
  env: Record<string, string>,
  n: number,
  windowMs: number,
): Promise<number[]> {
  const cluster = await startCluster(kind, env, ['lat-a', 'lat-b', 'lat-c'])
  try {
    const [a, b] = cluster.nodes
    if (!a || !b) throw new Error('cluster did not start')
    const watcher = new Watcher(b.port, n, n)
    await watcher.client.joined
    const runs = Array.from({ length: n }, (_, i) =>
      sample(a.port, i, watcher, Math.random() * windowMs),
    )
    const samples = await Promise.all(runs)
    watcher.client.close()
    return samples.sort((x, y) => x - y)
  } finally {
    await cluster.stop()
  }
}

function row(kind: BrokerKind, label: string, s: number[]): Row {
  const ms = (v: number): string => `${v.toFixed(1)} ms`
  return {
    bench: 'latency',
    case: `${kind}, ${label}: join on A → seen on B`,
    median: ms(pct(s, 50)),
    p95: ms(pct(s, 95)),
    note: `p99 ${ms(pct(s, 99))}, max ${ms(s[s.length - 1] ?? Number.NaN)}, ${s.length} samples, 3 nodes`,
  }
}

export const systemLatency: Benchmark = {
  name: 'latency',
  title: 'cross-node join latency, 3 lobby processes over Redis and NATS',
  async run() {
    const n = flag('samples', 200)
    const windowMs = flag('window', 10) * 1000
    const rows: Row[] = []
    for (const kind of ['redis', 'nats'] as const) {
      const plume = await measure(kind, {}, n, windowMs)
      const phoenix = await measure(kind, PHOENIX_ENV, n, windowMs)
      rows.push(row(kind, 'plume defaults', plume), row(kind, 'phoenix-equivalent', phoenix), {
        bench: 'latency',
        case: `${kind}: baseline ratio (phoenix-equivalent / plume)`,
        median: `${(pct(phoenix, 50) / pct(plume, 50)).toFixed(1)}x`,
        p95: `${(pct(phoenix, 95) / pct(plume, 95)).toFixed(1)}x`,
        note: '',
      })
    }
    return rows
  },
}
