// A socket closed for abuse (1008 rate limit, 1013 slow consumer) stops costing the server at
// once: frames the peer already sent are dropped, not handled, and the socket is no longer
// read while its close frame waits out the grace before the TCP connection is destroyed.

import assert from 'node:assert/strict'
import { createServer } from 'node:http'
import type { AddressInfo, Socket } from 'node:net'
import { describe, it } from 'node:test'
import { ManualScheduler } from '@plume/tracker'
import { WebSocket, WebSocketServer } from 'ws'
import { ABUSER_GRACE_MS, WsSocket } from '../src/transports/ws-socket.js'

const nextTurn = (): Promise<void> => new Promise((resolve) => setImmediate(resolve))

describe('a socket closed for abuse', () => {
  for (const code of [1008, 1013]) {
    it(`handles nothing more once closed with ${code}, and is destroyed after the grace`, async (t) => {
      const server = createServer()
      const wss = new WebSocketServer({ server })
      await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
      t.after(() => {
        for (const ws of wss.clients) ws.terminate()
        wss.close()
        server.close()
      })
      const { port } = server.address() as AddressInfo
      const accepted = new Promise<WebSocket>((resolve) => wss.once('connection', resolve))
      const client = new WebSocket(`ws://127.0.0.1:${port}`)
      const closed = new Promise<void>((resolve) => client.on('close', () => resolve()))
      await new Promise((resolve) => client.once('open', resolve))
      const scheduler = new ManualScheduler()
      const logger = { debug() {}, info() {}, warn() {}, error() {} }
      const socket = new WsSocket(await accepted, { timeout: 60_000, scheduler, logger })
      let handled = 0
      const first = new Promise<void>((resolve) =>
        socket.onMessage(() => {
          handled += 1
          if (handled === 1) socket.close(code, 'abuse')
          resolve()
          return Promise.resolve()
        }),
      )
      // 50 frames in one TCP write: the server reads them as one chunk, so all but the first
      // reach the socket after it has decided to close.
      const tcp = (client as unknown as { _socket: Socket })._socket
      tcp.cork()
      for (let i = 0; i < 50; i++) client.send(`frame ${i}`)
      tcp.uncork()
      await first
      await nextTurn()
      assert.equal(handled, 1)
      scheduler.advance(ABUSER_GRACE_MS)
      await closed
      assert.equal(handled, 1)
    })
  }
})
