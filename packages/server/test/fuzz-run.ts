// The fuzz loop. Hostile connections send batches of inputs, each followed by a heartbeat;
// every ref must be answered unless the server closes the connection with a documented
// code. After a batch, an input with no recoverable ref may follow (it may close the
// connection). Meanwhile a well-behaved client pings its channel and watches another
// client join and leave, and must see every reply and every diff.
import { startFuzzServer, type FuzzServer } from './fuzz-server.js'
import { ALLOWED_CLOSES, FuzzConn } from './fuzz-conn.js'
import { FuzzGen, type FuzzInput } from './fuzz-inputs.js'
import { fuzzLongPoll } from './fuzz-longpoll.js'
import { waitFor } from '@plume/testkit'

export interface FuzzOptions {
  readonly count: number
  readonly seed: number
  /** Parallel hostile WebSocket connections. @default 4 */
  readonly connections?: number
  readonly batch?: number
}

export interface FuzzReport {
  inputs: number
  wsInputs: number
  longpollInputs: number
  replies: number
  errorReplies: number
  closes: Record<number, number>
  badCloses: number[]
  unanswered: number
  goodPings: number
  goodPingsAnswered: number
  goodJoinsSeen: number
  goodLeavesSeen: number
  goodCycles: number
  serverErrors: unknown[]
  ms: number
  /** When the WebSocket and long-poll parts finished, in ms from the start. */
  wsMs: number
  longpollMs: number
}

function emptyReport(): FuzzReport {
  return {
    inputs: 0,
    wsInputs: 0,
    longpollInputs: 0,
    replies: 0,
    errorReplies: 0,
    closes: {},
    badCloses: [],
    unanswered: 0,
    goodPings: 0,
    goodPingsAnswered: 0,
    goodJoinsSeen: 0,
    goodLeavesSeen: 0,
    goodCycles: 0,
    serverErrors: [],
    ms: 0,
    wsMs: 0,
    longpollMs: 0,
  }
}

async function openConn(server: FuzzServer, n: number): Promise<FuzzConn> {
  const c = new FuzzConn(`${server.wsUrl}&user_id=fuzz-${n}`)
  await c.opened
  return c
}

/** Sends one batch and a heartbeat; returns the connection to use next (a new one after a close). */
async function runBatch(
  server: FuzzServer,
  conn: FuzzConn,
  inputs: FuzzInput[],
  fatal: FuzzInput | undefined,
  r: FuzzReport,
  n: number,
): Promise<FuzzConn> {
  for (const input of inputs) {
    if (input.kind === 'reply') conn.pending.add(input.ref)
    conn.send(input.frame)
  }
  await conn.call([null, `hb${n}`, 'phoenix', 'heartbeat', {}], 'batch answers')
  if (fatal !== undefined) {
    conn.send(fatal.frame, fatal.kind === 'fatal' && fatal.text === true)
    await conn.call([null, `hb${n}f`, 'phoenix', 'heartbeat', {}], 'fatal answer')
  }
  if (conn.open) return conn
  account(conn, r)
  return openConn(server, n)
}

function account(conn: FuzzConn, r: FuzzReport): void {
  r.replies += conn.replies
  r.errorReplies += conn.errorReplies
  const code = conn.closeCode
  if (code === undefined) {
    r.unanswered += conn.pending.size
    return
  }
  r.closes[code] = (r.closes[code] ?? 0) + 1
  if (!ALLOWED_CLOSES.has(code)) r.badCloses.push(code)
  conn.close()
}

async function hostile(
  server: FuzzServer,
  gen: FuzzGen,
  quota: number,
  batch: number,
  r: FuzzReport,
  id: number,
  tick: () => Promise<void>,
): Promise<void> {
  let conn = await openConn(server, id)
  let sent = 0
  for (let b = 0; sent < quota; b++) {
    const size = Math.min(batch, quota - sent)
    const inputs = Array.from({ length: Math.max(size - 1, 0) }, () => gen.next())
    const fatal = size > 0 ? gen.fatal() : undefined
    sent += size
    conn = await runBatch(server, conn, inputs, fatal, r, id * 1_000_000 + b)
    r.wsInputs += size
    if (b % 10 === 0) await tick()
  }
  conn.pending.clear()
  account(conn, r)
  conn.close()
}

/** Counts good-b's joins and leaves in A's presence diffs; true once both reached n. */
function seen(a: FuzzConn, r: FuzzReport, joins: number, leaves: number): boolean {
  r.goodJoinsSeen = 0
  r.goodLeavesSeen = 0
  for (const [topic, event, payload] of a.events) {
    if (topic !== 'room:good' || event !== 'presence_diff') continue
    const diff = payload as { joins: object; leaves: object }
    if (Object.hasOwn(diff.joins, 'good-b')) r.goodJoinsSeen++
    if (Object.hasOwn(diff.leaves, 'good-b')) r.goodLeavesSeen++
  }
  return r.goodJoinsSeen >= joins && r.goodLeavesSeen >= leaves
}

/** The well-behaved pair: A stays joined throughout, B joins and leaves on each tick. */
async function goodClients(
  server: FuzzServer,
  r: FuzzReport,
): Promise<{ tick: () => Promise<void>; finish: () => void }> {
  const a = new FuzzConn(`${server.wsUrl}&user_id=good-a`)
  await a.opened
  if (
    !(await a.call(
      ['a0', 'a0', 'room:good', 'phx_join', { meta: { role: 'watcher' } }],
      'good join',
    ))
  )
    throw new Error('good client could not join')
  let n = 0
  let busy = false
  const tick = async (): Promise<void> => {
    if (busy) return
    busy = true
    n++
    r.goodPings++
    if (await a.call(['a0', `p${n}`, 'room:good', 'ping', {}], 'good ping')) r.goodPingsAnswered++
    const b = new FuzzConn(`${server.wsUrl}&user_id=good-b`)
    await b.opened
    await b.call(['b', 'b', 'room:good', 'phx_join', { meta: { n } }], 'b join')
    // B leaves only once A saw it join: a join and a leave inside one coalescing window
    // cancel out by design, and A would rightly never see either.
    const wait = { timeoutMs: 20_000, intervalMs: 2 }
    await waitFor('the good client to see good-b join', () => seen(a, r, n, n - 1), wait)
    b.close()
    r.goodCycles++
    await waitFor('the good client to see good-b leave', () => seen(a, r, n, n), wait)
    busy = false
  }
  const finish = (): void => {
    account(a, r)
    a.close()
  }
  return { tick, finish }
}

/** Runs `count` fuzz inputs against a fresh server; never throws for the server's answers. */
export async function runFuzz(o: FuzzOptions): Promise<FuzzReport> {
  const started = performance.now()
  const r = emptyReport()
  const server = await startFuzzServer()
  try {
    const good = await goodClients(server, r)
    const lpQuota = Math.floor(o.count / 50)
    const k = o.connections ?? 4
    const wsQuota = Math.ceil((o.count - lpQuota) / k)
    const timed = async (p: Promise<void>, key: 'wsMs' | 'longpollMs'): Promise<void> => {
      await p
      r[key] = Math.round(performance.now() - started)
    }
    await Promise.all([
      ...Array.from({ length: k }, (_, i) =>
        timed(
          hostile(server, new FuzzGen(o.seed + i), wsQuota, o.batch ?? 250, r, i + 1, good.tick),
          'wsMs',
        ),
      ),
      timed(fuzzLongPoll(server, new FuzzGen(o.seed + 1000), lpQuota, r), 'longpollMs'),
    ])
    await good.tick()
    good.finish()
    r.inputs = r.wsInputs + r.longpollInputs
    r.serverErrors = server.errors
  } finally {
    await server.close()
  }
  r.ms = Math.round(performance.now() - started)
  return r
}

/** The promises a fuzz run checks, as messages for each one broken (empty when all held). */
export function fuzzFailures(r: FuzzReport): string[] {
  const out: string[] = []
  if (r.badCloses.length > 0) out.push(`undocumented closes or 5xx: ${r.badCloses.join(', ')}`)
  if (r.unanswered > 0) out.push(`${r.unanswered} refs never answered on an open connection`)
  if (r.goodPingsAnswered !== r.goodPings)
    out.push(`good client: ${r.goodPingsAnswered}/${r.goodPings} pings answered`)
  if (r.goodJoinsSeen < r.goodCycles || r.goodLeavesSeen < r.goodCycles) {
    out.push(
      `good client saw ${r.goodJoinsSeen} joins / ${r.goodLeavesSeen} leaves of ${r.goodCycles}`,
    )
  }
  if (r.serverErrors.length > 0) out.push(`${r.serverErrors.length} errors logged by the server`)
  return out
}
