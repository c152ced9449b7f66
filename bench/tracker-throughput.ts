// Benchmark 4: tracker throughput. Tracks per second on one node (poolSize 1 and 4) over an
// in-memory PubSub with virtual time (a heartbeat tick after every batch, so delta building
// and broadcast are included), and how long a 3-node MemoryBus cluster takes to converge
// after 10k tracks spread over its nodes: virtual ticks needed and wall time.
import { MemoryBus, PubSub, silentLogger } from '@plume/pubsub'
import { ManualScheduler, Tracker } from '@plume/tracker'
import { fmtRate, fmtUs, stats, type Benchmark, type Row } from './harness.js'

const BENCH = 'tracker'
const PERIOD = 100
const TOPICS = 100
const BATCH = 1000
const MAX_TICKS = 200

/** Deterministic [0, 1) source so jitter and ids are the same every run. */
function lcg(seed: number): () => number {
  let s = seed >>> 0
  return () => {
    s = (Math.imul(s, 1_664_525) + 1_013_904_223) >>> 0
    return s / 2 ** 32
  }
}

const topicOf = (i: number): string => `room:${i % TOPICS}`

async function singleNode(poolSize: number): Promise<Row[]> {
  const scheduler = new ManualScheduler()
  const pubsub = new PubSub({ nodeName: 'solo', logger: silentLogger })
  const tracker = new Tracker({
    pubsub,
    scheduler,
    poolSize,
    broadcastPeriod: PERIOD,
    logger: silentLogger,
    random: lcg(1),
  })
  await tracker.start()
  let diffs = 0
  tracker.onDiff(() => diffs++)
  const warmupBatches = 3
  const batches = 20
  const perTrack: number[] = []
  const perBatch: number[] = []
  const perTick: number[] = []
  for (let b = 0; b < warmupBatches + batches; b++) {
    const t0 = performance.now()
    for (let j = 0; j < BATCH; j++) {
      const i = b * BATCH + j
      tracker.track(`owner${i}`, topicOf(i), `user${i}`, { online_at: i })
    }
    const t1 = performance.now()
    scheduler.advance(PERIOD)
    const t2 = performance.now()
    if (b < warmupBatches) continue
    perTrack.push(((t1 - t0) * 1000) / BATCH)
    perBatch.push(((t2 - t0) * 1000) / BATCH)
    perTick.push((t2 - t1) * 1000)
  }
  const total = (warmupBatches + batches) * BATCH
  let listed = 0
  for (let t = 0; t < TOPICS; t++) listed += tracker.count(`room:${t}`)
  await tracker.stop()
  await pubsub.close()
  if (listed !== total || diffs !== total)
    throw new Error(`lost tracks: ${listed}/${diffs} of ${total}`)
  const rate = (us: number[], name: string, note: string): Row => {
    const s = stats(us)
    // The slowest 5% of samples give the p95 rate.
    return {
      bench: BENCH,
      case: name,
      median: fmtRate(1e6 / s.median),
      p95: fmtRate(1e6 / s.p95),
      note: `${fmtUs(s.median)}/track; ${note}`,
    }
  }
  const setup = `poolSize ${poolSize}`
  const note = `${batches} batches of ${BATCH}, ${TOPICS} topics, 1 diff listener`
  const tick = stats(perTick)
  return [
    rate(perTrack, `track() only, 1 node, ${setup}`, note),
    rate(perBatch, `track() + heartbeat ticks, 1 node, ${setup}`, `${note}; one tick per batch`),
    {
      bench: BENCH,
      case: `one heartbeat tick after ${BATCH} tracks, ${setup}`,
      median: fmtUs(tick.median),
      p95: fmtUs(tick.p95),
      note: 'delta broadcast + delta generations (caps 100/1000/10000)',
    },
  ]
}

interface ClusterNode {
  readonly pubsub: PubSub
  readonly tracker: Tracker
}

async function startCluster(bus: MemoryBus, scheduler: ManualScheduler): Promise<ClusterNode[]> {
  const nodes: ClusterNode[] = []
  for (const [n, name] of ['a', 'b', 'c'].entries()) {
    const pubsub = new PubSub({ adapter: bus.adapter(name), logger: silentLogger })
    const tracker = new Tracker({
      pubsub,
      scheduler,
      broadcastPeriod: PERIOD,
      logger: silentLogger,
      random: lcg(n + 10),
    })
    await tracker.start()
    nodes.push({ pubsub, tracker })
  }
  return nodes
}

const total = (t: Tracker): number => {
  let n = 0
  for (let i = 0; i < TOPICS; i++) n += t.count(`room:${i}`)
  return n
}

/** Ticks (virtual broadcast periods) until every node lists `expected` presences. */
async function ticksToConverge(
  nodes: readonly ClusterNode[],
  bus: MemoryBus,
  scheduler: ManualScheduler,
  expected: number,
): Promise<number> {
  for (let tick = 1; tick <= MAX_TICKS; tick++) {
    scheduler.advance(PERIOD)
    await bus.settle()
    if (nodes.every((n) => total(n.tracker) === expected)) return tick
  }
  throw new Error(`cluster did not converge within ${MAX_TICKS} ticks`)
}

async function clusterConvergence(tracks: number): Promise<Row> {
  const bus = new MemoryBus({ logger: silentLogger })
  const scheduler = new ManualScheduler()
  const nodes = await startCluster(bus, scheduler)
  // Let the nodes discover each other (heartbeats, transfers) before the load.
  for (let i = 0; i < 5; i++) {
    scheduler.advance(PERIOD)
    await bus.settle()
  }
  const t0 = performance.now()
  for (let i = 0; i < tracks; i++) {
    nodes[i % nodes.length]!.tracker.track(`owner${i}`, topicOf(i), `user${i}`, { online_at: i })
  }
  const trackedMs = performance.now() - t0
  const ticks = await ticksToConverge(nodes, bus, scheduler, tracks)
  const ms = performance.now() - t0
  for (const n of nodes) {
    await n.tracker.stop()
    await n.pubsub.close()
  }
  return {
    bench: BENCH,
    case: `3-node MemoryBus cluster converges after ${tracks.toLocaleString('en-US')} tracks`,
    median: `${ms.toFixed(0)} ms`,
    p95: '',
    note: `${ticks} tick(s) of ${PERIOD} virtual ms; wall time incl. ${trackedMs.toFixed(0)} ms of track() calls; tracks spread over the 3 nodes; one run`,
  }
}

export const trackerThroughput: Benchmark = {
  name: 'tracker',
  title: 'tracker throughput and cluster convergence',
  async run() {
    const rows = [...(await singleNode(1)), ...(await singleNode(4))]
    // Run the convergence once untimed to warm the JIT, then once for the record.
    await clusterConvergence(2_000)
    rows.push(await clusterConvergence(10_000))
    return rows
  },
}
