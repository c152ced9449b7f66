// Benchmark: the scale simulation. N nodes (default 50) and P presences (see SCALE_PRESENCES)
// on the in-memory bus in virtual time: the cluster converging from scratch, steady churn, one
// node joining, one crashing (kill -9), and a netsplit healing; time to converge (virtual
// seconds) and replication bytes received per node per second. Plume's defaults run next to
// the Phoenix-equivalent configuration (PHOENIX_TRACKER) in the same run.
// Options: `npm run bench -- scale --nodes 50 --presences 20000`.
import { PHOENIX_TRACKER } from '@plume/tracker'
import type { TrackerOptions } from '@plume/tracker'
import { fmtBytes, type Benchmark, type Row } from './harness.js'
import { SimCluster, TOPICS, total } from './scale-cluster.js'

const BENCH = 'scale'
const LIMIT_MS = 120_000
const CHURN_MS = 10_000

interface Setup {
  readonly nodes: number
  readonly presences: number
}

function flag(name: string, fallback: number): number {
  const at = process.argv.indexOf(`--${name}`)
  const value = at >= 0 ? Number(process.argv[at + 1]) : fallback
  if (!Number.isSafeInteger(value) || value < 2)
    throw new Error(`--${name} must be an integer >= 2`)
  return value
}

/** Scenario results, virtual ms and bytes. */
interface Result {
  populate: number
  churnBytes: number
  idleBytes: number
  join: number
  crash: number
  heal: number
  wallMs: number
}

const nameOf = (i: number): string => `n${i}`

function trackBatch(c: SimCluster, node: string, from: number, count: number): void {
  const tracker = c.nodes.get(node)?.tracker
  for (let i = from; i < from + count; i++)
    tracker?.track(`${node}:c${i}`, `room:${i % TOPICS}`, `user${i}`, { online_at: i })
}

/** Bytes received per node per second while `ms` of virtual time run. */
async function bytesPerNodeSecond(c: SimCluster, ms: number, each?: () => void): Promise<number> {
  const before = c.bytesIn
  for (let t = 0; t < ms; t += 1000) {
    each?.()
    await c.run(1000)
  }
  return (c.bytesIn - before) / c.nodes.size / (ms / 1000)
}

async function churn(c: SimCluster, s: Setup): Promise<number> {
  const perNode = Math.max(1, Math.floor(s.presences / s.nodes / 100)) // 1% of each node per second
  let round = 0
  return bytesPerNodeSecond(c, CHURN_MS, () => {
    round++
    for (let n = 0; n < s.nodes; n++) {
      const tracker = c.nodes.get(nameOf(n))?.tracker
      const base = n * Math.floor(s.presences / s.nodes)
      for (let i = 0; i < perNode; i++) {
        const id = base + ((round * perNode + i) % Math.floor(s.presences / s.nodes))
        tracker?.update(`${nameOf(n)}:c${id}`, `room:${id % TOPICS}`, `user${id}`, { round })
      }
    }
  })
}

async function netsplit(c: SimCluster, s: Setup, expected: number): Promise<number> {
  const names = [...c.nodes.keys()]
  const left = names.slice(0, Math.floor(names.length / 2))
  c.partition([left, names.slice(left.length)])
  const extra = 100
  trackBatch(c, left[0] ?? '', s.presences + 1_000_000, extra)
  trackBatch(c, names[names.length - 1] ?? '', s.presences + 2_000_000, extra)
  await c.run(10_000)
  c.heal()
  return c.until(() => c.allHold(expected + 2 * extra), LIMIT_MS)
}

async function scenario(options: Partial<TrackerOptions>, s: Setup): Promise<Result> {
  const t0 = performance.now()
  const c = new SimCluster(options)
  const per = Math.floor(s.presences / s.nodes)
  for (let n = 0; n < s.nodes; n++) await c.add(nameOf(n))
  await c.run(2000) // the nodes meet
  for (let n = 0; n < s.nodes; n++) trackBatch(c, nameOf(n), n * per, per)
  const all = per * s.nodes
  const populate = await c.until(() => c.allHold(all), LIMIT_MS)
  const churnBytes = await churn(c, s)
  const idleBytes = await bytesPerNodeSecond(c, CHURN_MS)
  const joiner = await c.add('joiner')
  const join = await c.until(() => total(joiner) === all, LIMIT_MS)
  await c.crash(nameOf(0))
  const crash = await c.until(() => c.allHold(all - per), LIMIT_MS)
  const heal = await netsplit(c, s, all - per)
  await c.close()
  return { populate, churnBytes, idleBytes, join, crash, heal, wallMs: performance.now() - t0 }
}

const secs = (ms: number): string =>
  Number.isFinite(ms) ? `${(ms / 1000).toFixed(1)} s` : '> 120 s'

function rows(label: string, r: Result, base: Result | undefined, s: Setup): Row[] {
  const vs = (mine: number, theirs: number | undefined): string =>
    theirs === undefined || mine === 0
      ? ''
      : `; Phoenix-equivalent / this = ${(theirs / mine).toFixed(1)}x`
  const setup = `${s.nodes} nodes, ${s.presences} presences, ${label}`
  const row = (c: string, median: string, note: string): Row => ({
    bench: BENCH,
    case: `${c} (${setup})`,
    median,
    p95: '',
    note,
  })
  return [
    row('converge from scratch', secs(r.populate), `virtual time${vs(r.populate, base?.populate)}`),
    row('node joins: holds every presence', secs(r.join), `virtual time${vs(r.join, base?.join)}`),
    row(
      'kill -9: its presences gone everywhere',
      secs(r.crash),
      `virtual time${vs(r.crash, base?.crash)}`,
    ),
    row(
      'netsplit 10 s: converged after heal',
      secs(r.heal),
      `virtual time${vs(r.heal, base?.heal)}`,
    ),
    row(
      'bytes in per node per s, 1%/s churn',
      fmtBytes(Math.round(r.churnBytes)),
      `${vs(r.churnBytes, base?.churnBytes).slice(2)}`,
    ),
    row(
      'bytes in per node per s, idle',
      fmtBytes(Math.round(r.idleBytes)),
      `wall time of the whole run ${secs(r.wallMs)}`,
    ),
  ]
}

/** The scale simulation, registered in bench/run.ts. */
export const scale: Benchmark = {
  name: 'scale',
  title: 'scale simulation: N nodes on the in-memory bus, virtual time',
  async run(): Promise<Row[]> {
    const s = { nodes: flag('nodes', 50), presences: flag('presences', 20_000) }
    const phoenix = await scenario(PHOENIX_TRACKER, s)
    const plume = await scenario({}, s)
    return [
      ...rows('Plume defaults', plume, phoenix, s),
      ...rows('Phoenix-equivalent', phoenix, undefined, s),
    ]
  },
}
