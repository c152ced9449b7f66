// System benchmark: failure detection across 3 lobby processes over Redis. Node C holds
// --users clients (in a load process); a watcher on node A measures how long after `kill -9`,
// and after SIGTERM, C's users are gone on A; then C's event loop is saturated for --seconds
// (default 60) and the watcher counts users wrongly reported gone meanwhile (false downs).
// `npm run bench -- failover [--users 200] [--seconds 60]`.
import { resolve, dirname } from 'node:path'
import { fileURLToPath } from 'node:url'
import type { Benchmark, Row } from '../harness.js'
import { startCluster, Watcher, type Cluster } from './cluster.js'
import { flag, LoadProc, PHOENIX_ENV, sleep, type Lobby } from './procs.js'

const BURN = resolve(dirname(fileURLToPath(import.meta.url)), 'burn.mjs')

/** Starts node `name` with `users` clients and waits until the watcher sees all of them. */
async function populate(
  cluster: Cluster,
  watcher: Watcher,
  name: string,
  users: number,
  args: string[] = [],
): Promise<{ node: Lobby; load: LoadProc }> {
  const node = await cluster.add(name, args)
  const load = new LoadProc()
  await load.ask(
    { t: 'open', port: node.port, from: 0, count: users, maxKeys: users + 1, concurrency: 100 },
    'opened',
  )
  console.error(`  ${name}: ${users} clients joined; watcher sees ${watcher.client.count}`)
  await waitCount(watcher, users)
  return { node, load }
}

async function waitCount(watcher: Watcher, count: number): Promise<number> {
  if (watcher.client.count === count) return performance.now()
  return new Promise((done) =>
    watcher.onChange(() => {
      if (watcher.client.count !== count) return
      watcher.onChange(undefined)
      done(performance.now())
    }),
  )
}

async function goneAfter(
  cluster: Cluster,
  watcher: Watcher,
  users: number,
  signal: NodeJS.Signals,
): Promise<number> {
  const { node, load } = await populate(cluster, watcher, `fo-${signal}`, users)
  const gone = waitCount(watcher, 0)
  const t0 = performance.now()
  node.child.kill(signal)
  const ms = (await gone) - t0
  console.error(`  ${signal}: ${users} users gone on a peer after ${ms.toFixed(0)} ms`)
  load.close()
  return ms
}

async function falseDowns(
  cluster: Cluster,
  watcher: Watcher,
  users: number,
  seconds: number,
): Promise<number> {
  const env = ['--import', BURN]
  process.env['BENCH_BURN_MS'] = String(seconds * 1000)
  const { node, load } = await populate(cluster, watcher, 'fo-busy', users, env)
  let leaves = 0
  watcher.onChange((_i, present) => void (present || leaves++))
  node.child.kill('SIGUSR2')
  await sleep(seconds * 1000 + 3000)
  watcher.onChange(undefined)
  load.close()
  await node.stop('SIGKILL')
  return leaves
}

async function measure(env: Record<string, string>, users: number, seconds: number) {
  const cluster = await startCluster('redis', env, ['fo-a', 'fo-b'])
  try {
    const a = cluster.nodes[0]
    if (!a) throw new Error('cluster did not start')
    const watcher = new Watcher(a.port, users, users)
    await watcher.client.joined
    const kill = await goneAfter(cluster, watcher, users, 'SIGKILL')
    const term = await goneAfter(cluster, watcher, users, 'SIGTERM')
    const wrong = await falseDowns(cluster, watcher, users, seconds)
    watcher.client.close()
    return { kill, term, wrong }
  } finally {
    await cluster.stop()
  }
}

export const systemFailover: Benchmark = {
  name: 'failover',
  title: 'kill -9 / SIGTERM detection and no false down under CPU saturation (Redis)',
  async run() {
    const users = flag('users', 200)
    const seconds = flag('seconds', 60)
    const rows: Row[] = []
    for (const [label, env] of [
      ['plume defaults', {}],
      ['phoenix-equivalent', PHOENIX_ENV],
    ] as const) {
      const r = await measure(env, users, seconds)
      const ms = (v: number): string => `${v.toFixed(0)} ms`
      rows.push(
        {
          bench: 'failover',
          case: `${label}: kill -9 → ${users} users gone on a peer`,
          median: ms(r.kill),
          p95: '',
          note: '3 nodes over Redis',
        },
        {
          bench: 'failover',
          case: `${label}: SIGTERM → ${users} users gone on a peer`,
          median: ms(r.term),
          p95: '',
          note: '',
        },
        {
          bench: 'failover',
          case: `${label}: ${seconds} s of CPU saturation on one node`,
          median: `${r.wrong} false leaves`,
          p95: '',
          note: `event loop busy in ${200} ms slices; watched ${users} users on a peer`,
        },
      )
    }
    return rows
  },
}
