// Benchmark: the same load on 1 process (the in-memory default) and on N node:cluster
// workers (ClusterAdapter through the primary, N = the machine's cores, at least 2). The
// load comes from a separate process over real WebSockets (multicore-load.ts): broadcast
// fan-out (one socket shouts, time until every socket has it) and a presence join storm
// (time until a first socket has seen every user join). Then the IPC hop against the
// in-process bus: one-way latency of a PubSub message and of a presence change between two
// nodes, on MemoryBus in this process and between two workers.
import cluster, { type Worker } from 'node:cluster'
import { fork, type ChildProcess } from 'node:child_process'
import { once } from 'node:events'
import { availableParallelism } from 'node:os'
import { fileURLToPath } from 'node:url'
import { MemoryBus, PubSub, silentLogger } from '@plume/pubsub'
import { startClusterHub } from '@plume/pubsub-cluster'
import { freePort } from '@plume/testkit'
import { stats, usRow, type Benchmark, type Row } from './harness.js'
import { ProbeNode } from './multicore-probe.js'

const BENCH = 'multicore'
const SOURCE = ['--conditions=source', '--import', 'tsx']
const FAN_SOCKETS = 1000
const FAN_SAMPLES = 20
const STORM_USERS = 300
const STORM_ROUNDS = 3
const PROBES = 200
const here = (f: string): string => fileURLToPath(new URL(f, import.meta.url))

function reply<T>(proc: ChildProcess | Worker, match: (m: Record<string, unknown>) => boolean) {
  return new Promise<T>((resolve) => {
    const on = (m: Record<string, unknown>): void => {
      if (!match(m)) return
      proc.off('message', on)
      resolve(m as T)
    }
    proc.on('message', on)
  })
}

/** Asks the load process for something and returns its answer's value. */
async function ask<T>(load: ChildProcess, command: object): Promise<T> {
  const answer = reply<{ ok: boolean; value: T; error?: string }>(load, (m) => 'ok' in m)
  load.send(command)
  const { ok, value, error } = await answer
  if (!ok) throw new Error(error)
  return value
}

async function startWorkers(count: number, solo: boolean, port: number): Promise<Worker[]> {
  cluster.setupPrimary({ exec: here('./multicore-worker.ts'), execArgv: SOURCE })
  const env = { BENCH_PORT: String(port), BENCH_SOLO: solo ? '1' : '0' }
  const workers = Array.from({ length: count }, () => cluster.fork(env))
  await Promise.all(workers.map((w) => reply(w, (m) => 'ready' in m)))
  return workers
}

async function stopWorkers(workers: readonly Worker[]): Promise<void> {
  await Promise.all(
    workers.map((w) => {
      const exited = once(w, 'exit')
      w.process.kill('SIGKILL')
      return exited
    }),
  )
}

/** Fan-out and join-storm rows for one server configuration. */
async function loadRows(label: string, url: string): Promise<Row[]> {
  const load = fork(here('./multicore-load.ts'), [], { execArgv: SOURCE })
  try {
    await ask(load, { t: 'join', url, topic: 'fan:bench', count: FAN_SOCKETS, presence: false })
    const samples = await ask<number[]>(load, { t: 'fanout', samples: FAN_SAMPLES + 3 })
    const fan = stats(samples.slice(3).map((ms) => ms * 1000))
    const storm: number[] = []
    for (let r = 0; r < STORM_ROUNDS; r++) {
      await ask(load, { t: 'close' })
      const topic = `presence:storm-${r}`
      const ms = await ask<number>(load, {
        t: 'join',
        url,
        topic,
        count: STORM_USERS,
        presence: true,
      })
      storm.push(ms * 1000)
    }
    const perSec = (us: number, n: number) => `${Math.round(n / (us / 1e6)).toLocaleString('en')}/s`
    return [
      usRow(
        BENCH,
        `fan-out to ${FAN_SOCKETS} sockets, ${label}`,
        fan,
        `${perSec(fan.median, FAN_SOCKETS)} deliveries at the median`,
      ),
      usRow(
        BENCH,
        `join storm of ${STORM_USERS} users, ${label}`,
        stats(storm),
        `${STORM_ROUNDS} rounds; ${perSec(stats(storm).median, STORM_USERS)} joins at the median`,
      ),
    ]
  } finally {
    load.disconnect()
    await once(load, 'exit')
  }
}

/** One-way hop and presence latencies between two nodes on MemoryBus in this process. */
async function inProcessProbe(): Promise<{ hopUs: number[]; presenceUs: number[] }> {
  const bus = new MemoryBus()
  const [a, b] = ['a', 'b'].map(
    (n) => new ProbeNode(new PubSub({ adapter: bus.adapter(n), logger: silentLogger })),
  ) as [ProbeNode, ProbeNode]
  await Promise.all([a.pubsub.start(), b.pubsub.start()])
  await Promise.all([a.start(), b.start()])
  await a.run('b', PROBES)
  await Promise.all([a.stop(), b.stop()])
  await Promise.all([a.pubsub.close(), b.pubsub.close()])
  return { hopUs: b.hopUs, presenceUs: b.presenceUs }
}

/** The same probe from worker A to worker B. */
async function clusterProbe(a: Worker, b: Worker) {
  const done = reply(a, (m) => 'done' in m)
  a.send({ cmd: 'probe', peer: `bench-w${b.id}`, count: PROBES })
  await done
  const results = reply<{ hopUs: number[]; presenceUs: number[] }>(b, (m) => 'hopUs' in m)
  b.send({ cmd: 'results' })
  return results
}

function probeRows(where: string, r: { hopUs: number[]; presenceUs: number[] }): Row[] {
  return [
    usRow(
      BENCH,
      `PubSub message between nodes, ${where}`,
      stats(r.hopUs),
      `${r.hopUs.length} one-way samples`,
    ),
    usRow(
      BENCH,
      `presence change between nodes, ${where}`,
      stats(r.presenceUs),
      `${r.presenceUs.length} joins; trackers gossip every 20 ms`,
    ),
  ]
}

async function run(): Promise<Row[]> {
  const n = Math.max(2, availableParallelism())
  const hub = startClusterHub()
  const rows: Row[] = []
  try {
    const soloPort = await freePort()
    const solo = await startWorkers(1, true, soloPort)
    rows.push(...(await loadRows('1 process', `ws://127.0.0.1:${soloPort}`)))
    await stopWorkers(solo)
    const port = await freePort()
    const workers = await startWorkers(n, false, port)
    rows.push(...(await loadRows(`${n} workers`, `ws://127.0.0.1:${port}`)))
    rows.push(...probeRows('in-process MemoryBus', await inProcessProbe()))
    const [a, b] = workers as [Worker, Worker]
    rows.push(...probeRows(`${n} workers over IPC`, await clusterProbe(a, b)))
    await stopWorkers(workers)
  } finally {
    hub.stop()
  }
  return rows
}

export const multicore: Benchmark = {
  name: BENCH,
  title: '1 process vs N cluster workers under the same socket load; IPC hop vs in-process bus',
  run,
}
