// Benchmark 1: a delta merge costs O(delta), not O(state). Replica A holds N elements that B
// already has; each round A makes 10 changes (5 joins, 5 leaves, so N stays put) and B
// merges A's delta. Baseline: the same rounds, but B merges a full extract of A instead.
import { replicaRef, TrackerState, type Payload } from '@plume/crdt'
import { fmtBytes, heapDelta, stats, usRow, type Benchmark, type Row } from './harness.js'

const BENCH = 'crdt delta merge'
const TOPIC = 'room:bench'
const SIZES = [1_000, 10_000, 100_000] as const
const CHANGES = 10

interface Pair {
  readonly a: TrackerState
  readonly b: TrackerState
  /** Keys A currently holds, oldest first (the next to leave). */
  readonly live: string[]
  next: number
}

function join(a: TrackerState, i: number): void {
  a.join(`o${i}`, TOPIC, `u${i}`, { phx_ref: `r${i}` })
}

function setup(size: number): Pair {
  const a = new TrackerState(replicaRef('a', 1))
  const b = new TrackerState(replicaRef('b', 1))
  const live: string[] = []
  for (let i = 0; i < size; i++) {
    join(a, i)
    live.push(`u${i}`)
  }
  a.resetDelta()
  b.replicaUp(a.replica)
  b.merge(a.extract(b.context))
  return { a, b, live, next: size }
}

/** A makes 10 changes: 5 new joins, 5 leaves of its oldest elements. */
function change(p: Pair): void {
  for (let j = 0; j < CHANGES / 2; j++) {
    const i = p.next++
    join(p.a, i)
    p.live.push(`u${i}`)
    const gone = p.live.shift()
    if (gone !== undefined) p.a.leave(`o${gone.slice(1)}`, TOPIC, gone)
  }
}

/**
 * After each change round, times A producing a payload plus B merging it, and checks every
 * merge applied exactly the 10 changes. Returns µs per round.
 */
function rounds(
  size: number,
  warmup: number,
  rounds: number,
  payload: (p: Pair) => Payload,
): number[] {
  const p = setup(size)
  const out: number[] = []
  for (let round = 0; round < warmup + rounds; round++) {
    change(p)
    const t0 = performance.now()
    const changes = p.b.merge(payload(p))
    const us = (performance.now() - t0) * 1000
    if (changes.joins.length !== 5 || changes.leaves.length !== 5) {
      throw new Error('a merge did not apply exactly the 10 changes')
    }
    // As the shard does on every heartbeat tick (untimed): hand out its own delta, compact.
    p.b.resetDelta()
    if (round >= warmup) out.push(us)
  }
  if (p.b.size !== size) throw new Error(`replica drifted: ${p.b.size} elements, expected ${size}`)
  return out
}

function measureSize(size: number): Row[] {
  const n = size.toLocaleString('en-US')
  const deltaRounds = 500
  const delta = rounds(size, 50, deltaRounds, (p) => p.a.resetDelta())
  // Full merges get slow with size; fewer rounds keep the benchmark within seconds.
  const fullRounds = size >= 100_000 ? 20 : 100
  const full = rounds(size, Math.ceil(fullRounds / 4), fullRounds, (p) => {
    p.a.resetDelta()
    return p.a.extract(p.b.context)
  })
  return [
    usRow(
      BENCH,
      `delta (10 changes) into ${n}`,
      stats(delta),
      `${deltaRounds} rounds; A.resetDelta() + B.merge(delta)`,
    ),
    usRow(
      BENCH,
      `baseline: full extract+merge, ${n}`,
      stats(full),
      `${fullRounds} rounds; A.extract() + B.merge(state)`,
    ),
  ]
}

/** Heap per element of a replica holding 100k elements (entries + indexes). */
async function memoryRow(): Promise<Row> {
  const size = 100_000
  const { bytes } = await heapDelta(() => {
    const a = new TrackerState(replicaRef('m', 1))
    for (let i = 0; i < size; i++) join(a, i)
    a.resetDelta()
    return a
  })
  return {
    bench: BENCH,
    case: 'heap of a 100,000-element replica',
    median: fmtBytes(bytes),
    p95: '',
    note: `${(bytes / size).toFixed(0)} B/element (entry, meta, indexes)`,
  }
}

export const crdtMerge: Benchmark = {
  name: 'crdt-merge',
  title: 'CRDT delta merge is O(delta)',
  async run() {
    const rows: Row[] = []
    for (const size of SIZES) rows.push(...measureSize(size))
    rows.push(await memoryRow())
    return rows
  },
}
