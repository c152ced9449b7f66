// Child process of the abuse benchmark: plays one role against the lobby over real
// WebSockets for the run's duration, then reports (abuse-protocol.ts).
//   flood:   one connection sends heartbeats as fast as it can and never reads
//   stalled: 200 connections join room:lobby, then stop reading (count: still open at the end)
//   churn:   small groups join and leave room:lobby in a loop
//   good:    one connection sends a heartbeat every 50 ms and times each reply
import type { Socket } from 'node:net'
import { WebSocket } from 'ws'
import type { LoadReport, Role } from './abuse-protocol.js'

const [role, url, durationArg] = process.argv.slice(2) as [Role, string, string]
const duration = Number(durationArg)
const report: { -readonly [K in keyof LoadReport]: LoadReport[K] } = {
  t: 'done',
  role,
  count: 0,
  cutOffMs: -1,
  rtts: [],
  refused: 0,
}

function connect(user: string): Promise<WebSocket> {
  const ws = new WebSocket(`${url}?vsn=2.0.0&user_id=${user}`)
  ws.on('error', () => {})
  return new Promise((resolve, reject) => {
    ws.once('open', () => resolve(ws))
    ws.once('unexpected-response', () => reject(new Error(`${user}: refused`)))
  })
}

const stopReading = (ws: WebSocket): void =>
  void (ws as unknown as { _socket: Socket })._socket.pause()

/** Sends a frame and resolves with the reply to its ref. */
function call(ws: WebSocket, frame: unknown[]): Promise<string> {
  const ref = frame[1] as string
  return new Promise((resolve) => {
    const onMessage = (data: Buffer): void => {
      const text = data.toString()
      if (!text.includes(`"${ref}"`) || !text.includes('phx_reply')) return
      ws.off('message', onMessage)
      resolve(text)
    }
    ws.on('message', onMessage)
    ws.send(JSON.stringify(frame))
  })
}

async function flood(deadline: number): Promise<void> {
  const ws = await connect('flooder')
  stopReading(ws)
  const t0 = performance.now()
  let open = true
  ws.once('close', () => {
    open = false
    report.cutOffMs = Math.round(performance.now() - t0)
  })
  let ref = 0
  while (open && ws.readyState === WebSocket.OPEN && performance.now() < deadline) {
    // Keep our own buffer small (what counts is what the server takes in), and yield often
    // so the close and the deadline are noticed.
    for (let i = 0; open && i < 1000 && ws.bufferedAmount < 256 * 1024; i++) {
      ws.send(`[null,"${++ref}","phoenix","heartbeat",{}]`, (err) => {
        if (err === undefined || err === null) report.count += 1
      })
    }
    await new Promise((resolve) => setImmediate(resolve))
  }
  ws.terminate()
}

const stalledSockets: WebSocket[] = []

/** Joined before the run starts, so the whole run has 200 members that do not read. */
async function stallAll(): Promise<void> {
  for (let i = 0; i < 200; i++) {
    const ws = await connect(`stalled-${i}`)
    await call(ws, ['1', '1', 'room:lobby', 'phx_join', {}])
    stopReading(ws)
    stalledSockets.push(ws)
  }
}

async function stalled(deadline: number): Promise<void> {
  await new Promise((resolve) => setTimeout(resolve, Math.max(0, deadline - performance.now())))
  report.count = stalledSockets.filter((ws) => ws.readyState === WebSocket.OPEN).length
  for (const ws of stalledSockets) ws.terminate()
}

async function churner(i: number, deadline: number): Promise<void> {
  const ws = await connect(`churn-${i}`)
  let ref = 0
  while (performance.now() < deadline && ws.readyState === WebSocket.OPEN) {
    const joinRef = String(++ref)
    const joined = await call(ws, [joinRef, joinRef, 'room:lobby', 'phx_join', {}])
    if (joined.includes('"ok"')) report.count += 1
    else {
      report.refused += 1
      await new Promise((resolve) => setTimeout(resolve, 100))
      continue
    }
    await call(ws, [joinRef, String(++ref), 'room:lobby', 'phx_leave', {}])
  }
  ws.terminate()
}

async function good(deadline: number): Promise<void> {
  const ws = await connect('good')
  const start = performance.now()
  const rtts: number[] = []
  let ref = 0
  while (performance.now() < deadline && ws.readyState === WebSocket.OPEN) {
    const t0 = performance.now()
    const next = t0 + 50
    await call(ws, [null, String(++ref), 'phoenix', 'heartbeat', {}])
    const rtt = performance.now() - t0
    rtts.push(rtt)
    // ABUSE_TRACE=1 prints each round trip with its time into the run, to see when the tail is.
    if (process.env['ABUSE_TRACE'])
      console.error(`rtt at ${(t0 - start).toFixed(0)} ms: ${rtt.toFixed(1)} ms`)
    await new Promise((resolve) => setTimeout(resolve, Math.max(0, next - performance.now())))
  }
  report.rtts = rtts
  report.count = rtts.length
  ws.terminate()
}

const CHURN_CONNECTIONS = 25

async function main(): Promise<void> {
  if (role === 'stalled') await stallAll()
  process.send?.({ t: 'ready' })
  await new Promise((resolve) => process.once('message', resolve))
  const deadline = performance.now() + duration
  if (role === 'flood') await flood(deadline)
  if (role === 'stalled') await stalled(deadline)
  if (role === 'good') await good(deadline)
  if (role === 'churn') {
    await Promise.all(Array.from({ length: CHURN_CONNECTIONS }, (_, i) => churner(i, deadline)))
  }
  process.send?.(report)
  process.disconnect?.()
}

await main()
