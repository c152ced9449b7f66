// Wire compatibility with the official phoenix.js client (1.8), in Node: WebSocket through
// `ws`, long-poll through Node's fetch. Every wait is an awaited event with a timeout.

import assert from 'node:assert/strict'
import { after, before, describe, it } from 'node:test'
import { LongPoll, Socket, type Channel, type Push } from '@plume/testkit/phoenix'
import { WebSocket } from 'ws'
import { ok, reply, type ChannelHandler, type Endpoint } from '@plume/server'
import { within } from '@plume/testkit'
import { startEndpoint } from './helpers.js'

let endpoint: Endpoint
let base: string
let joins = 0
const sockets: Socket[] = []

const Room: ChannelHandler<{ user: string }> = {
  join(_topic, params, ch) {
    joins++
    ch.send('after_join')
    return ok({ hello: ch.assigns.user, params })
  },
  async handleIn(event, payload, ch) {
    if (event === 'crash') throw new Error('boom')
    if (event === 'shout') {
      await ch.broadcast('shout', payload as object)
      return reply('ok')
    }
    if (event === 'bin') return reply('ok', payload as Uint8Array)
    return reply('ok', { echo: payload })
  },
  handleInfo(_message, ch) {
    ch.push('welcome', { topic: ch.topic })
    return undefined
  },
}

before(async () => {
  const started = await startEndpoint({
    connect: (params, info) => ({ user: params['user'] ?? info.authToken ?? 'anon' }),
    id: (assigns) => `user_socket:${String(assigns['user'])}`,
    channels: [['room:*', Room]],
    longpoll: true,
  })
  endpoint = started.endpoint
  base = `${started.url.replace('http', 'ws')}/socket`
})

after(async () => {
  for (const s of sockets) s.disconnect()
  await endpoint.close()
})

function connect(opts: Record<string, unknown> = {}): Socket {
  const socket = new Socket(base, {
    transport: WebSocket,
    reconnectAfterMs: () => 10,
    rejoinAfterMs: () => 10,
    ...opts,
  })
  sockets.push(socket)
  socket.connect()
  return socket
}

function receive<T = unknown>(push: Push, status = 'ok'): Promise<T> {
  return within(
    new Promise<T>((resolve, reject) => {
      push.receive(status, (r) => resolve(r as T))
      for (const other of ['ok', 'error', 'timeout'].filter((s) => s !== status)) {
        push.receive(other, (r: unknown) => reject(new Error(`got ${other}: ${JSON.stringify(r)}`)))
      }
    }),
    `push ${status}`,
  )
}

function next(channel: Channel, event: string): Promise<unknown> {
  return within(new Promise((resolve) => channel.on(event, resolve)), `event ${event}`)
}

describe('official phoenix client over WebSocket', () => {
  it('joins, pushes with a reply, receives a server push', async () => {
    const socket = connect({ params: { user: 'ann' } })
    const channel = socket.channel('room:lobby', { x: 1 })
    const welcome = next(channel, 'welcome')
    assert.deepEqual(await receive(channel.join()), { hello: 'ann', params: { x: 1 } })
    assert.deepEqual(await welcome, { topic: 'room:lobby' })
    assert.deepEqual(await receive(channel.push('ping', { n: 1 })), { echo: { n: 1 } })
    await receive(channel.leave())
    assert.equal(channel.state, 'closed')
  })

  it('passes the auth token subprotocol to connect', async () => {
    const socket = connect({ authToken: 'tok-123' })
    const channel = socket.channel('room:auth')
    assert.equal((await receive<{ hello: string }>(channel.join())).hello, 'tok-123')
  })

  it('broadcasts to two sockets', async () => {
    const [a, b] = [connect({ params: { user: 'a' } }), connect({ params: { user: 'b' } })]
    const ca = a.channel('room:party')
    const cb = b.channel('room:party')
    await receive(ca.join())
    await receive(cb.join())
    const got = [next(ca, 'shout'), next(cb, 'shout')]
    await receive(ca.push('shout', { msg: 'hi' }))
    assert.deepEqual(await Promise.all(got), [{ msg: 'hi' }, { msg: 'hi' }])
  })

  it('round-trips binary payloads', async () => {
    const socket = connect()
    const channel = socket.channel('room:bin')
    await receive(channel.join())
    const response = await receive<ArrayBuffer>(
      channel.push('bin', new Uint8Array([1, 2, 3]).buffer),
    )
    assert.deepEqual([...new Uint8Array(response)], [1, 2, 3])
  })

  it('rejoins after a server-side channel crash', async () => {
    const socket = connect()
    const channel = socket.channel('room:crashy')
    const welcome = next(channel, 'welcome')
    await receive(channel.join())
    await welcome
    const before = joins
    const errored = within(
      new Promise<void>((resolve) => channel.onError(() => resolve())),
      'channel error',
    )
    const rejoined = next(channel, 'welcome')
    channel.push('crash', {}, 50)
    await errored
    await rejoined
    assert.ok(joins > before)
    assert.deepEqual(await receive(channel.push('ping', {})), { echo: {} })
  })

  it('heartbeats get ok replies', async () => {
    const socket = connect({ heartbeatIntervalMs: 20 })
    const beat = within(
      new Promise((resolve) =>
        socket.onMessage((m) => m.topic === 'phoenix' && m.event === 'phx_reply' && resolve(m)),
      ),
      'heartbeat reply',
    )
    assert.deepEqual(((await beat) as { payload: unknown }).payload, { status: 'ok', response: {} })
  })

  it('reconnects and rejoins after the server drops the connection (disconnect broadcast, 1001)', async () => {
    const socket = connect({ params: { user: 'dropme' } })
    const channel = socket.channel('room:drop')
    const welcome = next(channel, 'welcome')
    await receive(channel.join())
    await welcome
    const closed = within(
      new Promise<{ code: number }>((resolve) =>
        socket.onClose((e) => resolve(e as { code: number })),
      ),
      'close',
    )
    const rejoined = next(channel, 'welcome')
    await endpoint.broadcast('user_socket:dropme', 'disconnect', {})
    assert.equal((await closed).code, 1001)
    await rejoined
    assert.equal(channel.state, 'joined')
  })
})

describe('official phoenix client over long-poll', () => {
  it('joins, pushes, receives pushes and broadcasts, leaves', async () => {
    const socket = connect({ transport: LongPoll, params: { user: 'lp' } })
    const channel = socket.channel('room:lp')
    const welcome = next(channel, 'welcome')
    assert.equal((await receive<{ hello: string }>(channel.join())).hello, 'lp')
    await welcome
    assert.deepEqual(await receive(channel.push('ping', { n: 2 })), { echo: { n: 2 } })
    const shout = next(channel, 'shout')
    await endpoint.broadcast('room:lp', 'shout', { via: 'endpoint' })
    assert.deepEqual(await shout, { via: 'endpoint' })
    await receive(channel.leave())
  })

  it('rejoins after a disconnect broadcast ends the session', async () => {
    const socket = connect({ transport: LongPoll, params: { user: 'lp2' } })
    const channel = socket.channel('room:lp2')
    const welcome = next(channel, 'welcome')
    await receive(channel.join())
    await welcome
    const rejoined = next(channel, 'welcome')
    await endpoint.broadcast('user_socket:lp2', 'disconnect', {})
    await rejoined
    assert.deepEqual(await receive(channel.push('ping', {})), { echo: {} })
  })
})
