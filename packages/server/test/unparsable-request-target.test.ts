// A request whose target cannot be parsed as a URL (e.g. `GET //`) must
// not crash the process from inside the http.Server 'request' listener; it falls through to
// the app's own listeners (404 when there are none), and upgrades to such targets are refused.

import assert from 'node:assert/strict'
import { connect } from 'node:net'
import { after, before, it } from 'node:test'
import { within } from '@plume/testkit'
import type { Endpoint } from '@plume/server'
import { startEndpoint } from './helpers.js'

let endpoint: Endpoint
let port: number

before(async () => {
  let url: string
  ;({ endpoint, url } = await startEndpoint({ channels: [], longpoll: true }))
  port = Number(new URL(url).port)
})
after(() => endpoint.close())

/** Sends a raw request head and resolves with the response's status line. */
function rawStatusLine(head: string): Promise<string> {
  return within(
    new Promise<string>((resolve, reject) => {
      const socket = connect(port, '127.0.0.1', () => socket.write(head))
      let text = ''
      socket.on('data', (d: Buffer) => {
        text += d.toString('latin1')
        const line = text.split('\r\n')[0]
        if (text.includes('\r\n')) {
          socket.destroy()
          resolve(line ?? '')
        }
      })
      socket.on('error', reject)
      socket.on('close', () => resolve(text.split('\r\n')[0] ?? ''))
    }),
    'raw response',
  )
}

it('answers a plain request with an unparsable target instead of crashing', async () => {
  const line = await rawStatusLine('GET // HTTP/1.1\r\nHost: localhost\r\n\r\n')
  assert.match(line, /^HTTP\/1\.1 404 /)
  // The server is still serving.
  const again = await rawStatusLine('GET /nothing HTTP/1.1\r\nHost: localhost\r\n\r\n')
  assert.match(again, /^HTTP\/1\.1 404 /)
})

it('refuses an upgrade with an unparsable target and keeps serving', async () => {
  const line = await rawStatusLine(
    'GET // HTTP/1.1\r\nHost: localhost\r\nConnection: Upgrade\r\nUpgrade: websocket\r\n' +
      'Sec-WebSocket-Version: 13\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n\r\n',
  )
  assert.match(line, /^HTTP\/1\.1 404 /)
  const again = await rawStatusLine('GET /nothing HTTP/1.1\r\nHost: localhost\r\n\r\n')
  assert.match(again, /^HTTP\/1\.1 404 /)
})
