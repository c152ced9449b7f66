// Child process of the fan-out benchmark: holds the WebSocket clients, so the server (parent)
// and the clients run on the machine's two cores. Opens and joins sockets on request, counts
// broadcast frames and tells the parent over IPC once a target count has arrived.
import { WebSocket } from 'ws'
import type { FromClients, ToClients } from './fanout-protocol.js'

const OPEN_CONCURRENCY = 100

const sockets: WebSocket[] = []
let received = 0
let target = Number.POSITIVE_INFINITY

function send(msg: FromClients): void {
  process.send?.(msg)
}

/** Opens one socket, joins `topic` and resolves on the join reply; then counts frames. */
function openOne(url: string, topic: string): Promise<void> {
  return new Promise((resolve, reject) => {
    const ws = new WebSocket(url)
    let joined = false
    ws.on('open', () => ws.send(JSON.stringify(['1', '1', topic, 'phx_join', {}])))
    ws.on('message', (data: Buffer) => {
      if (joined) {
        if (++received >= target) {
          send({ t: 'reached', count: received })
          target = Number.POSITIVE_INFINITY
        }
        return
      }
      const text = data.toString('utf8')
      if (!text.includes('"phx_reply"') || !text.includes('"ok"')) {
        reject(new Error(`join refused: ${text}`))
        return
      }
      joined = true
      resolve()
    })
    ws.on('error', reject)
    sockets.push(ws)
  })
}

async function open(url: string, topic: string, count: number): Promise<void> {
  for (let done = 0; done < count; done += OPEN_CONCURRENCY) {
    const n = Math.min(OPEN_CONCURRENCY, count - done)
    await Promise.all(Array.from({ length: n }, () => openOne(url, topic)))
  }
}

function closeAll(): void {
  for (const ws of sockets) ws.terminate()
  process.disconnect?.()
}

process.on('message', (raw: ToClients) => {
  switch (raw.t) {
    case 'open':
      open(raw.url, raw.topic, raw.count).then(
        () => send({ t: 'opened', total: sockets.length }),
        (error: unknown) => send({ t: 'failed', error: String(error) }),
      )
      break
    case 'expect':
      target = raw.count
      send({ t: 'armed', count: received })
      break
    case 'close':
      closeAll()
      break
  }
})
// If the parent goes away, so do we.
process.on('disconnect', () => {
  for (const ws of sockets) ws.terminate()
})
