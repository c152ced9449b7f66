// @plume/client against @plume/server in Node (real sockets on 127.0.0.1:0): WebSocket via
// `ws`, long-poll via fetch, server crash + rejoin, server restart + reconnect, and the
// fallback from a refused WebSocket to long-poll. Waits are awaited events, never sleeps.
import assert from 'node:assert/strict'
import { after, before, describe, it } from 'node:test'
import { WebSocket } from 'ws'
import { LongPoll, Presence, Socket, type TransportConstructor } from '@plume/client'
import {
  disconnect,
  joinAs,
  pushAndRecord,
  runScenario,
  type ClientImpl,
} from './support/scenario.js'
import { startServer, type TestServer } from './support/server.js'

const ours: ClientImpl = { Socket, Presence }
const ws = WebSocket as unknown as TransportConstructor

describe('integration over WebSocket', () => {
  let server: TestServer
  before(async () => (server = await startServer()))
  after(() => server.close())

  it('connects, joins, pushes, broadcasts and syncs presence', async () => {
    const { alice, bob } = await runScenario(ours, server.base, { transport: ws }, server.endpoint)
    assert.deepEqual(alice.slice(0, 6), [
      ['join', 'ok', { hello: 'alice' }],
      ['presence', ['alice:1']],
      ['reply', 'ping', 'ok', { pong: { n: 1 } }],
      ['reply', 'error_me', 'error', { reason: 'asked for it' }],
      ['shout', { msg: 'hi' }],
      ['reply', 'shout', 'ok', {}],
    ])
    assert.deepEqual(bob.filter((e) => e[0] === 'join').length, 2, 'bob joined, crashed, rejoined')
    assert.deepEqual(bob.at(-1), ['channel_close'])
  })

  it('round-trips binary payloads as ArrayBuffers', async () => {
    const c = joinAs(ours, server.base, 'bin', { transport: ws })
    try {
      await c.rec.wait(['join', 'ok', { hello: 'bin' }])
      const i = await pushAndRecord(c, 'bin', new Uint8Array([1, 2, 255]).buffer)
      const [, , status, resp] = c.rec.entries[i] as [string, string, string, ArrayBuffer]
      assert.equal(status, 'ok')
      assert.ok(resp instanceof ArrayBuffer)
      assert.deepEqual([...new Uint8Array(resp)], [1, 2, 255])
    } finally {
      await disconnect(c)
    }
  })

  it('a refused join reports the error reply', async () => {
    const socket = new Socket(server.base, { transport: ws })
    socket.connect()
    const ch = socket.channel('room:x', { fail: true })
    const resp = await new Promise((resolve) => ch.join().receive('error', resolve))
    assert.deepEqual(resp, { reason: 'denied' })
    ch.leave()
    await new Promise<void>((resolve) => socket.disconnect(resolve))
  })

  it('reconnects and rejoins after a server restart', async () => {
    const restartable = await startServer()
    const c = joinAs(ours, restartable.base, 'carol', { transport: ws })
    try {
      await c.rec.wait(['presence', ['carol:1']])
      const opens: number[] = []
      const socket = c.socket as Socket
      socket.onOpen(() => opens.push(1))
      const from = c.rec.entries.length
      await restartable.restart()
      await c.rec.wait(['channel_error'], from)
      const rejoined = await c.rec.wait(['join', 'ok', { hello: 'carol' }], from)
      await c.rec.wait(['presence', ['carol:1']], rejoined)
      assert.equal(opens.length, 1)
      await pushAndRecord(c, 'ping', { after: 'restart' })
      assert.deepEqual(c.rec.entries.at(-1), [
        'reply',
        'ping',
        'ok',
        { pong: { after: 'restart' } },
      ])
    } finally {
      await disconnect(c)
      await restartable.close()
    }
  })
})

describe('integration over long-poll', () => {
  let server: TestServer
  before(async () => (server = await startServer()))
  after(() => server.close())

  it('runs the same scenario over LongPoll', async () => {
    const { alice, bob } = await runScenario(
      ours,
      server.base,
      { transport: LongPoll },
      server.endpoint,
    )
    assert.deepEqual(alice[0], ['join', 'ok', { hello: 'alice' }])
    assert.deepEqual(alice[2], ['reply', 'ping', 'ok', { pong: { n: 1 } }])
    assert.deepEqual(bob.at(-1), ['channel_close'])
  })

  it('sends the auth token in the X-Phoenix-AuthToken header', async () => {
    const socket = new Socket(server.base, { transport: LongPoll, authToken: 'tok-ü' })
    socket.connect()
    const ch = socket.channel('room:auth')
    const resp = await new Promise((resolve) => ch.join().receive('ok', resolve))
    assert.deepEqual(resp, { hello: 'tok-ü' })
    await new Promise<void>((resolve) => socket.disconnect(resolve))
  })
})

describe('fallback from a refused WebSocket to long-poll', () => {
  let server: TestServer
  before(async () => (server = await startServer({ websocket: false })))
  after(() => server.close())

  it('joins over LongPoll when the WebSocket cannot connect', async () => {
    const store = new Map<string, string>()
    const sessionStorage = {
      getItem: (k: string) => store.get(k) ?? null,
      setItem: (k: string, v: string) => void store.set(k, v),
    }
    const c = joinAs(ours, server.base, 'dave', {
      transport: ws,
      longPollFallbackMs: 300,
      sessionStorage,
    })
    try {
      await c.rec.wait(['join', 'ok', { hello: 'dave' }])
      assert.ok((c.socket as Socket).conn instanceof LongPoll)
      await pushAndRecord(c, 'ping', { via: 'longpoll' })
      assert.equal(store.get('phx:fallback:LongPoll'), 'true')
    } finally {
      await disconnect(c)
    }
  })
})
