// Backpressure over real sockets: a client that stops reading while broadcasts flow is cut
// off with 1013 once the server holds maxOutboundBytes for it, the bytes held for it never
// pass that bound by more than one frame, its presence leaves, and a reading client on the
// same topic receives every broadcast. Memory is measured through the buffer sizes, never
// through wall time.

import assert from 'node:assert/strict'
import { createServer, request, type Server } from 'node:http'
import type { AddressInfo, Socket } from 'node:net'
import { after, describe, it } from 'node:test'
import { ManualScheduler } from '@plume/tracker'
import { waitFor } from '@plume/testkit'
import { ok, type ChannelHandler } from '@plume/server'
import { WebSocket, WebSocketServer } from 'ws'
import { LongPollSession } from '../src/transports/longpoll-session.js'
import { WsSocket } from '../src/transports/ws-socket.js'
import { RawClient, refusedStatus, startEndpoint } from './helpers.js'

const MAX = 64 * 1024
const FRAME = 'x'.repeat(1024)

/** The client side stops reading: the kernel buffers fill, then the server's. */
function stopReading(ws: WebSocket): void {
  ;(ws as unknown as { _socket: Socket })._socket.pause()
}

function resumeReading(ws: WebSocket): void {
  ;(ws as unknown as { _socket: Socket })._socket.resume()
}

describe('WsSocket outbound bound', () => {
  let server: Server | undefined
  after(() => server?.close())

  it('closes with 1013 before holding more than maxOutboundBytes plus one frame', async () => {
    server = createServer()
    const wss = new WebSocketServer({ server })
    await new Promise<void>((resolve) => server?.listen(0, '127.0.0.1', resolve))
    const { port } = server.address() as AddressInfo
    const accepted = new Promise<WebSocket>((resolve) => wss.once('connection', resolve))
    const client = new WebSocket(`ws://127.0.0.1:${port}`)
    const closed = new Promise<number>((resolve) => client.on('close', (code) => resolve(code)))
    await new Promise((resolve) => client.once('open', resolve))
    stopReading(client)
    const scheduler = new ManualScheduler()
    const logger = { debug() {}, info() {}, warn() {}, error() {} }
    const socket = new WsSocket(await accepted, {
      timeout: 60_000,
      scheduler,
      logger,
      maxOutboundBytes: MAX,
    })
    let maxHeld = 0
    let sent = 0
    while (socket.isOpen && sent < 200_000) {
      socket.send(FRAME)
      sent += 1
      maxHeld = Math.max(maxHeld, socket.bufferedAmount)
      // Let the kernel take what it will, as a live server would between writes.
      if (sent % 64 === 0) await new Promise((resolve) => setImmediate(resolve))
    }
    assert.equal(socket.isOpen, false, `still open after ${sent} frames`)
    assert.ok(maxHeld <= MAX + FRAME.length + 16, `held ${maxHeld} bytes`)
    resumeReading(client)
    assert.equal(await closed, 1013)
    wss.close()
  })
})

describe('long-poll outbound bound', () => {
  it('ends a session that stops polling once its undelivered frames pass maxOutboundBytes', () => {
    const answers: Array<Record<string, unknown>> = []
    const session = new LongPollSession({
      token: 't',
      windowMs: 10_000,
      scheduler: new ManualScheduler(),
      respond: (_res, body) => void answers.push(body),
      maxOutboundBytes: MAX,
    })
    let closed = 0
    session.onClose(() => (closed += 1))
    let sent = 0
    while (session.isOpen && sent < 1000) {
      session.send(FRAME)
      sent += 1
      assert.ok(session.bufferedAmount <= MAX, `held ${session.bufferedAmount}`)
    }
    assert.equal(session.isOpen, false)
    assert.equal(sent, Math.floor(MAX / FRAME.length) + 1)
    assert.equal(closed, 1)
    assert.equal(session.bufferedAmount, 0)
  })
})

describe('slow consumer on an endpoint', () => {
  it('cuts the non-reader with 1013; the reader gets every broadcast', async () => {
    const Room: ChannelHandler = { join: () => ok() }
    const { endpoint, wsUrl } = await startEndpoint({
      channels: [['room:*', Room]],
      limits: { maxOutboundBytes: MAX },
    })
    try {
      const good = await RawClient.open(`${wsUrl}?vsn=2.0.0`)
      const bad = await RawClient.open(`${wsUrl}?vsn=2.0.0`)
      for (const c of [good, bad]) await c.reply(c.join('room:a'))
      stopReading(bad.ws)
      let n = 0
      while (endpoint.connectionCount === 2 && n < 100_000) {
        endpoint.localBroadcast('room:a', 'msg', { n: ++n, pad: FRAME })
        if (n % 64 === 0) await new Promise((resolve) => setImmediate(resolve))
      }
      assert.equal(endpoint.connectionCount, 1, `the non-reader is still connected after ${n}`)
      const last = n
      await waitFor(
        'the reader gets every broadcast',
        () => good.received.some((f) => typeof f === 'string' && f.includes(`"n":${last},`)),
        { timeoutMs: 20_000 },
      )
      const got = good.received.filter((f) => typeof f === 'string' && f.includes('"msg"'))
      assert.equal(got.length, last)
      resumeReading(bad.ws)
      assert.equal((await bad.closed).code, 1013)
      await good.close()
    } finally {
      await endpoint.close()
    }
  })
})

describe('connections per address and long-poll bodies', () => {
  it('refuses a handshake past maxConnectionsPerIp with 429, and admits again once one closes', async () => {
    const { endpoint, wsUrl } = await startEndpoint({
      channels: [],
      limits: { maxConnectionsPerIp: 1 },
    })
    try {
      const first = await RawClient.open(wsUrl)
      assert.equal(await refusedStatus(wsUrl), 429)
      await first.close()
      await waitFor('the slot is free', () => endpoint.connectionCount === 0)
      const again = await RawClient.open(wsUrl)
      await again.close()
    } finally {
      await endpoint.close()
    }
  })

  it('answers 413 while an oversized body is still being sent, and reads no further', async () => {
    const { endpoint, url } = await startEndpoint({ channels: [], longpoll: { maxBodySize: 1024 } })
    try {
      const created = (await (await fetch(`${url}/socket/longpoll?vsn=2.0.0`)).json()) as {
        token: string
      }
      const { status, body } = await new Promise<{ status: number; body: string }>(
        (resolve, reject) => {
          const req = request(`${url}/socket/longpoll?vsn=2.0.0&token=${created.token}`, {
            method: 'POST',
            headers: { 'content-type': 'application/x-ndjson' }, // chunked: no length to check up front
          })
          req.on('error', reject)
          req.on('response', (res) => {
            let text = ''
            res.on('data', (chunk: Buffer) => (text += chunk.toString()))
            res.on('end', () => resolve({ status: res.statusCode ?? 0, body: text }))
          })
          // The request is never ended: the answer must come at the limit, not at the end.
          req.write('x'.repeat(4096))
        },
      )
      assert.equal(status, 200)
      assert.deepEqual(JSON.parse(body), { status: 413 })
    } finally {
      await endpoint.close()
    }
  })
})
