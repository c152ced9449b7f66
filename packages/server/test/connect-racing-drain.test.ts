// A handshake whose async `connect` is still running when the endpoint
// starts draining (or closes) must not open a connection afterwards. Otherwise that client
// stays on a node that is going away and is never drained (drain took its snapshot already).

import assert from 'node:assert/strict'
import { afterEach, it } from 'node:test'
import { WebSocket } from 'ws'
import { within } from '@plume/testkit'
import type { Endpoint } from '@plume/server'
import { startEndpoint } from './helpers.js'

let endpoint: Endpoint | undefined
afterEach(() => endpoint?.close())

/** An endpoint whose connect parks until released; `entered` settles when it is called. */
async function gated(): Promise<{ url: string; entered: Promise<void>; release: () => void }> {
  let release: () => void = () => {}
  let signal: () => void = () => {}
  const entered = new Promise<void>((resolve) => (signal = resolve))
  const started = await startEndpoint({
    channels: [],
    longpoll: true,
    connect: async () => {
      signal()
      await new Promise<void>((resolve) => (release = resolve))
      return {}
    },
  })
  endpoint = started.endpoint
  return { url: started.url, entered, release: () => release() }
}

it('long-poll: a session whose connect ends after drain began is refused (500)', async () => {
  const { url, entered, release } = await gated()
  const answer = fetch(`${url}/socket/longpoll?vsn=2.0.0`).then(
    (r) => r.json() as Promise<{ status: number; token?: string }>,
  )
  await within(entered, 'connect called')
  const drained = endpoint?.drain({ batchInterval: 0 })
  release()
  const body = await within(answer, 'long-poll answer')
  await drained
  assert.equal(body.status, 500)
  assert.equal(body.token, undefined)
  assert.equal(endpoint?.connectionCount, 0)
})

it('long-poll: a session whose connect ends after close() is not opened', async () => {
  const { url, entered, release } = await gated()
  const answer: Promise<{ status: number; token?: string }> = fetch(
    `${url}/socket/longpoll?vsn=2.0.0`,
  ).then(
    (r) => r.json() as Promise<{ status: number; token?: string }>,
    () => ({ status: -1 }),
  )
  await within(entered, 'connect called')
  const closed = endpoint?.close()
  release()
  const body = await within(answer, 'long-poll answer')
  await closed
  assert.notEqual(body.status, 410)
  assert.equal(endpoint?.connectionCount, 0)
})

it('websocket: an upgrade whose connect ends after drain began is refused (503)', async () => {
  const { url, entered, release } = await gated()
  const ws = new WebSocket(`${url.replace('http', 'ws')}/socket/websocket?vsn=2.0.0`)
  ws.on('error', () => {})
  const outcome = new Promise<string>((resolve) => {
    ws.once('open', () => resolve('open'))
    ws.once('unexpected-response', (_req, res) => {
      resolve(`http ${res.statusCode ?? 0}`)
      res.resume()
      ws.terminate()
    })
  })
  await within(entered, 'connect called')
  const drained = endpoint?.drain({ batchInterval: 0 })
  release()
  const result = await within(outcome, 'handshake outcome')
  await drained
  if (result === 'open') ws.terminate()
  assert.equal(result, 'http 503')
  assert.equal(endpoint?.connectionCount, 0)
})
