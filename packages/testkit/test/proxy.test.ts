// TcpProxy: forwards both ways until cut; a cut silences live links without closing them
// (a client's FIN gets no answer) and refuses new connections; onChunk can mute one side.
import assert from 'node:assert/strict'
import { once } from 'node:events'
import { createConnection, createServer } from 'node:net'
import type { Server, Socket } from 'node:net'
import { after, before, describe, it } from 'node:test'
import { TcpProxy, waitFor } from '@plume/testkit'
import type { ProxyLink } from '@plume/testkit'

/** An echo server on a free loopback port. */
async function echoServer(): Promise<{ server: Server; port: number }> {
  const server = createServer((socket) => {
    socket.on('error', () => undefined)
    socket.pipe(socket)
  })
  server.listen(0, '127.0.0.1')
  await once(server, 'listening')
  const address = server.address()
  assert.ok(address !== null && typeof address === 'object')
  return { server, port: address.port }
}

async function dial(proxy: TcpProxy): Promise<{ socket: Socket; received: () => string }> {
  const socket = createConnection({ host: '127.0.0.1', port: proxy.port })
  socket.on('error', () => undefined)
  let text = ''
  socket.on('data', (chunk: Buffer) => (text += chunk.toString('utf8')))
  await once(socket, 'connect')
  return { socket, received: () => text }
}

void describe('TcpProxy', () => {
  let echo: { server: Server; port: number }

  before(async () => {
    echo = await echoServer()
  })
  after(async () => {
    echo.server.close()
    await once(echo.server, 'close')
  })

  void it('forwards both ways, then goes silent when cut', async () => {
    const proxy = await TcpProxy.start(echo.port)
    const { socket, received } = await dial(proxy)
    try {
      socket.write('ping')
      await waitFor('the echo', () => received() === 'ping')
      proxy.cut()
      socket.write('lost')
      socket.end() // a dead peer never answers the FIN: the socket must not close
      // Proof of silence without sleeping: a second client is refused meanwhile, and by then
      // the first one's bytes, had they been forwarded, would have come back long ago.
      const refused = createConnection({ host: '127.0.0.1', port: proxy.port })
      refused.on('error', () => undefined)
      await once(refused, 'close')
      assert.equal(proxy.accepted, 2)
      assert.equal(received(), 'ping')
      assert.equal(socket.closed, false)
    } finally {
      socket.destroy()
      await proxy.close()
    }
  })

  void it('lets onChunk mute the replies of one link', async () => {
    let held: ProxyLink | undefined
    const proxy = await TcpProxy.start(echo.port, {
      onChunk: (link, direction, chunk) => {
        if (direction === 'up' && chunk.includes('mute')) link.mute('down')
        if (direction === 'down' && chunk.includes('mute')) held = link
      },
    })
    const { socket, received } = await dial(proxy)
    try {
      socket.write('a')
      await waitFor('the first echo', () => received() === 'a')
      socket.write('mute')
      await waitFor('the echo of "mute" to reach the proxy', () => held !== undefined)
      // Forwarded bytes would have been written before this reset, so they would arrive first.
      held?.destroy()
      await once(socket, 'close')
      assert.equal(received(), 'a')
    } finally {
      await proxy.close()
    }
  })
})
