// Benchmark 2: fastlane encode-once fan-out over real WebSockets on loopback. The server (this
// process) holds N joined channels; a child process holds the N clients and reports when every
// frame has arrived. Fastlane broadcasts are encoded once; the baseline event is intercepted,
// so each channel's handleOut pushes it and it is encoded per subscriber (Phoenix's path).
import { fork, type ChildProcess } from 'node:child_process'
import { fileURLToPath } from 'node:url'
import { Endpoint, noReply, ok, silentLogger, type ChannelHandler } from '@plume/server'
import type { FromClients, ToClients } from './fanout-protocol.js'
import { fmtBytes, fmtUs, gc, stats, usRow, type Benchmark, type Row } from './harness.js'

const BENCH = 'fastlane fan-out'
const TOPIC = 'room:fanout'
const FAST = 'msg'
const SLOW = 'msg_intercepted'
const STEPS = [100, 1_000, 5_000] as const
const REPLY_TIMEOUT_MS = 60_000

/** A chat-like message of about 1 KB once encoded. */
const PAYLOAD = {
  user: { id: 'u-123', name: 'alice' },
  body: 'hello everyone, '.repeat(50),
  at: 1_700_000_000_000,
  tags: ['general', 'bench'],
}

const handler: ChannelHandler = {
  intercept: [SLOW],
  join: () => ok(),
  handleOut(event, payload, ch) {
    ch.push(event, payload as object)
    return noReply()
  },
}

/** The client process, driven over IPC. */
class Clients {
  readonly #child: ChildProcess
  #waiter:
    | { t: FromClients['t']; resolve: (m: FromClients) => void; reject: (e: Error) => void }
    | undefined

  constructor() {
    const entry = fileURLToPath(new URL('./fanout-clients.ts', import.meta.url))
    this.#child = fork(entry, [], { stdio: ['ignore', 'inherit', 'inherit', 'ipc'] })
    this.#child.on('message', (m: FromClients) => this.#receive(m))
    this.#child.on('exit', () => this.#waiter?.reject(new Error('client process exited')))
  }

  #receive(m: FromClients): void {
    const w = this.#waiter
    if (w === undefined) return
    if (m.t === 'failed') w.reject(new Error(`client process: ${m.error}`))
    else if (m.t === w.t) w.resolve(m)
    else return
    this.#waiter = undefined
  }

  /** Resolves with the next message of kind `t` (rejects after a bounded wait). */
  next<T extends FromClients['t']>(t: T): Promise<Extract<FromClients, { t: T }>> {
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`no '${t}' from clients`)), REPLY_TIMEOUT_MS)
      const done = (): void => clearTimeout(timer)
      this.#waiter = {
        t,
        resolve: (m) => (done(), resolve(m as Extract<FromClients, { t: T }>)),
        reject: (e) => (done(), reject(e)),
      }
    })
  }

  send(msg: ToClients): void {
    this.#child.send(msg)
  }

  async close(): Promise<void> {
    const exited = new Promise((resolve) => this.#child.once('exit', resolve))
    this.#waiter = undefined
    this.send({ t: 'close' })
    await exited
  }
}

interface Run {
  readonly endpoint: Endpoint
  readonly clients: Clients
  /** Broadcast frames every client has received so far, summed. */
  frames: number
  connected: number
}

/** Broadcasts `event` once; returns [sync dispatch µs, all-delivered µs]. */
async function once(run: Run, event: string, at: number): Promise<[number, number]> {
  run.frames += run.connected
  const armed = run.clients.next('armed')
  run.clients.send({ t: 'expect', count: run.frames })
  await armed
  const reached = run.clients.next('reached')
  const t0 = performance.now()
  run.endpoint.localBroadcast(TOPIC, event, { ...PAYLOAD, at })
  const t1 = performance.now()
  await reached
  return [(t1 - t0) * 1000, (performance.now() - t0) * 1000]
}

interface Series {
  readonly fastDispatch: number[]
  readonly fast: number[]
  readonly slow: number[]
}

/** Alternates fastlane and baseline broadcasts, so background noise hits both alike. */
async function series(run: Run, iterations: number): Promise<Series> {
  const out: Series = { fastDispatch: [], fast: [], slow: [] }
  const warmup = 5
  for (let i = 0; i < warmup + iterations; i++) {
    const [d, fast] = await once(run, FAST, i)
    const [, slow] = await once(run, SLOW, i)
    if (i < warmup) continue
    out.fastDispatch.push(d)
    out.fast.push(fast)
    out.slow.push(slow)
  }
  return out
}

/** Opens sockets up to `n` and reports the server heap they added. */
async function grow(run: Run, url: string, n: number): Promise<number> {
  gc()
  const before = process.memoryUsage().heapUsed
  const opened = run.clients.next('opened')
  run.clients.send({ t: 'open', url, topic: TOPIC, count: n - run.connected })
  const { total } = await opened
  if (total !== n) throw new Error(`${total} sockets open, expected ${n}`)
  const added = n - run.connected
  run.connected = n
  gc()
  return (process.memoryUsage().heapUsed - before) / added
}

async function step(run: Run, url: string, n: number): Promise<Row[]> {
  const perConn = await grow(run, url, n)
  const iterations = n >= 5_000 ? 15 : 30
  const { fastDispatch, fast, slow } = await series(run, iterations)
  const k = n.toLocaleString('en-US')
  const d = stats(fastDispatch)
  return [
    usRow(
      BENCH,
      `${k} subs: fastlane, all delivered`,
      stats(fast),
      `${iterations} broadcasts (alternating with the baseline); server dispatch (encode once + ${k} writes) ${fmtUs(d.median)} median, ${fmtUs(d.median / n)}/sub`,
    ),
    usRow(
      BENCH,
      `${k} subs: baseline per-subscriber encode, all delivered`,
      stats(slow),
      `intercepted event, handleOut pushes: one JSON encode per subscriber`,
    ),
    {
      bench: BENCH,
      case: `${k} subs: server heap per connection`,
      median: fmtBytes(Math.round(perConn)),
      p95: '',
      note: 'socket + connection + joined channel, after gc',
    },
  ]
}

export const fanout: Benchmark = {
  name: 'fanout',
  title: 'fastlane encode-once fan-out over WebSockets',
  async run() {
    const endpoint = new Endpoint({ logger: silentLogger })
    endpoint.socket('/socket', { channels: [['room:*', handler]], websocket: { timeout: 600_000 } })
    const { url } = await endpoint.listen({ port: 0 })
    const wsUrl = `${url.replace('http', 'ws')}/socket/websocket?vsn=2.0.0`
    const run: Run = { endpoint, clients: new Clients(), frames: 0, connected: 0 }
    try {
      const rows: Row[] = []
      for (const n of STEPS) rows.push(...(await step(run, wsUrl, n)))
      return rows
    } finally {
      await run.clients.close()
      await endpoint.close()
    }
  },
}
