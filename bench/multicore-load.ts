// The load process of the multicore benchmark: real WebSocket clients (v2 JSON frames) in a
// process of their own, driven over IPC by multicore.ts. `join` opens and joins sockets
// (the presence storm waits until a first observer socket has seen every user join);
// `fanout` has one socket shout and times until every socket received the broadcast.
import { WebSocket } from 'ws'

type Frame = [string | null, string | null, string, string, Record<string, unknown>]
type Command =
  | { t: 'join'; url: string; topic: string; count: number; presence: boolean }
  | { t: 'fanout'; samples: number }
  | { t: 'close' }

const OPEN_CONCURRENCY = 50
let sockets: WebSocket[] = []
let fanTopic = ''
let shouts = new Map<number, number>()
let seenUsers = new Set<string>()

function onFrame(ws: WebSocket, frame: Frame, observer: boolean): void {
  const [, , , event, payload] = frame
  if (event === 'shout') {
    const i = Number(payload['i'])
    shouts.set(i, (shouts.get(i) ?? 0) + 1)
  } else if (observer && (event === 'presence_diff' || event === 'presence_state')) {
    const joins = event === 'presence_diff' ? (payload['joins'] as object) : payload
    for (const key of Object.keys(joins)) seenUsers.add(key)
  }
  void ws
}

function openOne(url: string, topic: string, n: number, observer: boolean): Promise<WebSocket> {
  return new Promise((resolve, reject) => {
    const ws = new WebSocket(`${url}/socket/websocket?vsn=2.0.0&user=u${n}`)
    let joined = false
    ws.on('open', () => ws.send(JSON.stringify(['1', '1', topic, 'phx_join', {}])))
    ws.on('message', (data: Buffer) => {
      const frame = JSON.parse(data.toString('utf8')) as Frame
      if (!joined && frame[3] === 'phx_reply') {
        joined = true
        return frame[4]['status'] === 'ok' ? resolve(ws) : reject(new Error('join refused'))
      }
      onFrame(ws, frame, observer)
    })
    ws.on('error', reject)
  })
}

async function until(label: string, done: () => boolean): Promise<void> {
  const deadline = performance.now() + 120_000
  while (!done()) {
    if (performance.now() > deadline) throw new Error(`load: timed out waiting for ${label}`)
    await new Promise((resolve) => setTimeout(resolve, 1))
  }
}

async function join(c: Extract<Command, { t: 'join' }>): Promise<number> {
  const t0 = performance.now()
  for (let done = 0; done < c.count; done += OPEN_CONCURRENCY) {
    const n = Math.min(OPEN_CONCURRENCY, c.count - done)
    const batch = Array.from({ length: n }, (_, k) =>
      openOne(c.url, c.topic, sockets.length + k, c.presence && done + k === 0),
    )
    sockets.push(...(await Promise.all(batch)))
  }
  if (c.presence) await until('every join to reach the observer', () => seenUsers.size >= c.count)
  else fanTopic = c.topic
  return performance.now() - t0
}

async function fanout(samples: number): Promise<number[]> {
  const [sender] = sockets
  if (sender === undefined) throw new Error('no sockets')
  const out: number[] = []
  for (let i = 0; i < samples; i++) {
    const t0 = performance.now()
    sender.send(
      JSON.stringify([null, String(i + 2), fanTopic, 'shout', { i, body: 'x'.repeat(200) }]),
    )
    await until(`shout ${i}`, () => (shouts.get(i) ?? 0) >= sockets.length)
    out.push(performance.now() - t0)
  }
  return out
}

function reset(): void {
  for (const ws of sockets) ws.terminate()
  sockets = []
  shouts = new Map()
  seenUsers = new Set()
}

process.on('message', (c: Command) => {
  const answer = (p: Promise<unknown>) =>
    p.then(
      (value) => process.send?.({ ok: true, value }),
      (error: unknown) => process.send?.({ ok: false, error: String(error) }),
    )
  if (c.t === 'join') void answer(join(c))
  else if (c.t === 'fanout') void answer(fanout(c.samples))
  else {
    reset()
    void answer(Promise.resolve(null))
  }
})
process.on('disconnect', () => {
  reset()
  process.exit(0)
})
