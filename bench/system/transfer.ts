// System benchmark: the full state of --presences (default 100,000) presences on node A sent
// to a node B that joins, over a private Redis and a private NATS server: time from B's start
// until B holds every presence. A and B are separate processes on the built packages
// (transfer-node.mjs), so A's encoding and B's merging overlap as they do between two hosts.
// `npm run bench -- transfer [--presences 100000]`.
import { fork, type ChildProcess } from 'node:child_process'
import { dirname, resolve } from 'node:path'
import { fileURLToPath } from 'node:url'
import { startBroker, type BrokerKind } from '@plume/testkit'
import type { Benchmark, Row } from '../harness.js'
import { flag, sleep } from './procs.js'

type Preset = 'plume' | 'phoenix'
const LIMIT_MS = 120_000
// A's own replication of its tracks settles before B starts, so it is not timed.
const SETTLE_MS = 2000
const NODE = resolve(dirname(fileURLToPath(import.meta.url)), 'transfer-node.mjs')

type NodeMessage = { t: 'ready' | 'loaded' | 'timeout' } | { t: 'done'; ms: number }

function nextMessage(child: ChildProcess): Promise<NodeMessage> {
  return new Promise((done, fail) => {
    child.once('message', (m: NodeMessage) => done(m))
    child.once('exit', (code) => fail(new Error(`transfer node exited (${code})`)))
  })
}

async function stop(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return
  const exited = new Promise((done) => child.once('exit', done))
  child.send({ t: 'stop' })
  await Promise.race([exited, sleep(5000)])
  child.kill('SIGKILL')
}

async function transfer(
  kind: BrokerKind,
  preset: Preset,
  count: number,
): Promise<number | undefined> {
  const broker = await startBroker(kind)
  const args = (role: string): string[] => [
    role,
    kind,
    broker.url,
    `bench-${process.pid}`,
    preset,
    String(count),
  ]
  // No tsx and no source condition: the nodes load dist/, as deployed. TRANSFER_CPU_PROF=<dir>
  // profiles both (node --cpu-prof).
  const dir = process.env['TRANSFER_CPU_PROF']
  const execArgv = dir === undefined ? [] : ['--cpu-prof', `--cpu-prof-dir=${dir}`]
  const spawnNode = (role: string): ChildProcess => fork(NODE, args(role), { execArgv })
  const a = spawnNode('source')
  const b = spawnNode('joiner')
  try {
    await Promise.all([nextMessage(a), nextMessage(b)])
    await sleep(SETTLE_MS)
    const result = nextMessage(b)
    b.send({ t: 'go' })
    const m = await Promise.race([result, sleep(LIMIT_MS + 5000).then(() => undefined)])
    return m?.t === 'done' ? m.ms : undefined
  } finally {
    await Promise.all([a, b].map(stop))
    await broker.stop()
  }
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
      const plume = await transfer(kind, 'plume', count)
      const phoenix = await transfer(kind, 'phoenix', count)
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
