// Mount paths and methods of the WebSocket transport: several sockets
// with multi-segment paths on one endpoint, each with its own routes and connect, and
// requests to a WebSocket path that are not GET upgrades answered 400.

import assert from 'node:assert/strict'
import { after, before, describe, it } from 'node:test'
import { Endpoint, ok, type ChannelHandler } from '@plume/server'
import { within } from '@plume/testkit'
import { handshake } from './handshake.js'
import { captureLogger, RawClient } from './helpers.js'

const named = (name: string): ChannelHandler => ({
  join: (topic, _params, ch) => ok({ name, topic, who: ch.assigns['who'] }),
})

let endpoint: Endpoint
let base: string
const connects: string[] = []

before(async () => {
  endpoint = new Endpoint({ logger: captureLogger() })
  endpoint
    .socket('/socket', {
      connect: () => (connects.push('socket'), { who: 'user' }),
      channels: [['room:*', named('room')]],
    })
    .socket('/ws/admin', {
      connect: () => (connects.push('admin'), { who: 'admin' }),
      channels: [['admin:*', named('admin')]],
      longpoll: true,
    })
  base = (await endpoint.listen()).url
})
after(() => endpoint.close())

describe('multiple mounts', () => {
  it('a multi-segment mount (/ws/admin/websocket) beside /socket routes its own channels', async () => {
    const ws = base.replace('http', 'ws')
    const user = await RawClient.open(`${ws}/socket/websocket?vsn=2.0.0`)
    const admin = await RawClient.open(`${ws}/ws/admin/websocket?vsn=2.0.0`)
    assert.deepEqual(connects, ['socket', 'admin'])

    assert.deepEqual((await admin.reply(admin.join('admin:1')))[4], {
      status: 'ok',
      response: { name: 'admin', topic: 'admin:1', who: 'admin' },
    })
    assert.deepEqual((await user.reply(user.join('room:1')))[4], {
      status: 'ok',
      response: { name: 'room', topic: 'room:1', who: 'user' },
    })
    // Each socket knows only its own routes.
    const unmatched = { status: 'error', response: { reason: 'unmatched topic' } }
    assert.deepEqual((await admin.reply(admin.join('room:1')))[4], unmatched)
    assert.deepEqual((await user.reply(user.join('admin:1')))[4], unmatched)

    await Promise.all([user.close(), admin.close()])
  })

  it('only the exact transport paths are served: prefixes and other suffixes get 404', async () => {
    for (const path of [
      '/ws/websocket',
      '/ws/admin',
      '/ws/admin/websocket/x',
      '/socket/longpoll',
    ]) {
      assert.equal((await handshake(`${base}${path}?vsn=2.0.0`)).status, 404, path)
    }
    const lp = await within(fetch(`${base}/ws/admin/longpoll?vsn=2.0.0`), 'long-poll')
    assert.equal(((await lp.json()) as { status: number }).status, 410)
  })
})

describe('methods', () => {
  it('a non-GET upgrade request to the WebSocket path gets 400', async () => {
    for (const method of ['POST', 'PUT', 'DELETE']) {
      const answer = await handshake(`${base}/socket/websocket?vsn=2.0.0`, { method })
      assert.equal(answer.status, 400, method)
      assert.match(answer.body, /must use GET/)
    }
  })

  it('a plain HTTP request (no upgrade) to the WebSocket path gets 400, any method', async () => {
    const url = `${base}/ws/admin/websocket?vsn=2.0.0`
    const post = await within(fetch(url, { method: 'POST', body: '[]' }), 'POST')
    assert.equal(post.status, 400)
    assert.equal(await post.text(), 'WebSocket upgrades must use GET')
    const get = await within(fetch(url), 'GET')
    assert.equal(get.status, 400)
    assert.equal(await get.text(), 'expected a WebSocket upgrade')
  })

  it('a GET upgrade on the same path still opens', async () => {
    assert.equal((await handshake(`${base}/socket/websocket?vsn=2.0.0`)).status, 101)
  })
})
