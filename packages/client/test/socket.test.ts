// Socket behaviour on a fake transport and virtual time: options,
// connect/disconnect, the send buffer and heartbeats.
import assert from 'node:assert/strict'
import { beforeEach, describe, it } from 'node:test'
import { LongPoll, Socket } from '@plume/client'
import { FakeTransport } from './support/fake-transport.js'
import { connected, fx, make, resetSocketFixture } from './support/socket-fixture.js'

beforeEach(resetSocketFixture)

describe('Socket options', () => {
  it('has the phoenix.js defaults', (ctx) => {
    // The default backoff is jittered below phoenix.js's step; at its upper bound it is the step.
    ctx.mock.method(Math, 'random', () => 1)
    const socket = new Socket('/socket', { page: null })
    assert.deepEqual(socket.channels, [])
    assert.deepEqual(socket.sendBuffer, [])
    assert.equal(socket.ref, 0)
    assert.equal(socket.endPoint, '/socket/websocket')
    assert.equal(socket.timeout, 10000)
    assert.equal(socket.longpollerTimeout, 20000)
    assert.equal(socket.heartbeatIntervalMs, 30000)
    assert.equal(socket.logger, null)
    assert.equal(socket.binaryType, 'arraybuffer')
    assert.equal(socket.transport, LongPoll, 'no global WebSocket in Node 20')
    assert.deepEqual(
      [1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 50].map(socket.reconnectAfterMs),
      [10, 50, 100, 150, 200, 250, 500, 1000, 2000, 5000, 5000],
    )
    assert.deepEqual([1, 2, 3, 4, 9].map(socket.rejoinAfterMs), [1000, 2000, 5000, 10000, 10000])
  })

  it('accepts overrides, and params as an object or a function re-evaluated per connect', () => {
    let n = 0
    const logger = () => {}
    const socket = make({
      timeout: 40,
      heartbeatIntervalMs: 60,
      longpollerTimeout: 50,
      logger,
      params: () => ({ n: ++n }),
    })
    assert.equal(socket.timeout, 40)
    assert.equal(socket.heartbeatIntervalMs, 60)
    assert.equal(socket.longpollerTimeout, 50)
    assert.equal(socket.logger, logger)
    assert.equal(socket.endPointURL(), 'ws://example.com/socket/websocket?n=1&vsn=2.0.0')
    assert.equal(socket.endPointURL(), 'ws://example.com/socket/websocket?n=2&vsn=2.0.0')
    const nested = make({ params: { token: 'a b', user: { id: 1 } } })
    assert.equal(
      nested.endPointURL(),
      'ws://example.com/socket/websocket?token=a%20b&user%5Bid%5D=1&vsn=2.0.0',
    )
  })

  it('builds protocol-relative URLs and refuses relative paths without a page', () => {
    assert.equal(
      new Socket('//h/socket', { page: null }).endPointURL(),
      'ws://h/socket/websocket?vsn=2.0.0',
    )
    assert.throws(() => new Socket('/socket', { page: null }).endPointURL(), { code: 'BAD_OPTION' })
  })

  it('makeRef counts from "1" and wraps to "0" on overflow', () => {
    const socket = make()
    assert.equal(socket.makeRef(), '1')
    assert.equal(socket.makeRef(), '2')
    socket.ref = Number.MAX_SAFE_INTEGER + 1
    assert.equal(socket.makeRef(), '0')
  })
})

describe('Socket connect / disconnect', () => {
  it('opens one transport to the endpoint URL and is idempotent', () => {
    const socket = make()
    socket.connect()
    socket.connect()
    assert.equal(FakeTransport.instances.length, 1)
    assert.equal(FakeTransport.last.url, 'ws://example.com/socket/websocket?vsn=2.0.0')
    assert.equal(FakeTransport.last.protocols, undefined)
    assert.equal(FakeTransport.last.binaryType, 'arraybuffer')
    assert.equal(socket.connectionState(), 'connecting')
    FakeTransport.last.open()
    assert.equal(socket.connectionState(), 'open')
    assert.equal(socket.isConnected(), true)
  })

  it('sends the auth token as a subprotocol, re-evaluating a function on each connect', () => {
    let n = 0
    const socket = make({ authToken: () => `token-${++n}` })
    socket.connect()
    assert.deepEqual(FakeTransport.last.protocols, [
      'phoenix',
      `base64url.bearer.phx.${btoa('token-1').replace(/=/g, '')}`,
    ])
    FakeTransport.last.open()
    FakeTransport.last.serverClose(1006)
    fx.clock.advance(10)
    assert.equal(FakeTransport.instances.length, 2)
    assert.deepEqual(FakeTransport.last.protocols, [
      'phoenix',
      `base64url.bearer.phx.${btoa('token-2').replace(/=/g, '')}`,
    ])
  })

  it('disconnect closes, calls back, fires close callbacks and never reconnects', () => {
    const { socket, t } = connected()
    const closes: number[] = []
    socket.onClose((e) => closes.push(e.code))
    let called = false
    socket.disconnect(() => (called = true), 1000, 'bye')
    assert.deepEqual(t.closedWith, { code: 1000, reason: 'bye' })
    assert.equal(called, true)
    assert.deepEqual(closes, [1000])
    assert.equal(socket.conn, null, 'no transport left')
    fx.clock.advance(60_000)
    assert.equal(FakeTransport.instances.length, 1)
    assert.doesNotThrow(() => socket.disconnect())
  })

  it('connect after disconnect opens a fresh transport', () => {
    const { socket } = connected()
    socket.disconnect()
    socket.connect()
    assert.equal(FakeTransport.instances.length, 2)
  })

  it('connectionState is closed without a transport and follows readyState', () => {
    const socket = make()
    assert.equal(socket.connectionState(), 'closed')
    socket.connect()
    const t = FakeTransport.last
    for (const [rs, name] of [
      [0, 'connecting'],
      [1, 'open'],
      [2, 'closing'],
      [3, 'closed'],
      [9, 'closed'],
    ] as const) {
      t.readyState = rs
      assert.equal(socket.connectionState(), name)
    }
  })
})

describe('Socket send buffer, push and messages', () => {
  it('buffers pushes while offline and flushes them on open', () => {
    const socket = make()
    socket.connect()
    socket.push({ topic: 't', event: 'e', payload: {}, ref: '1', join_ref: null })
    assert.equal(socket.sendBuffer.length, 1)
    assert.deepEqual(FakeTransport.last.sent, [])
    const opens: string[] = []
    socket.onOpen(() => opens.push('open'))
    FakeTransport.last.open()
    assert.deepEqual(FakeTransport.last.messages, [[null, '1', 't', 'e', {}]])
    assert.equal(socket.sendBuffer.length, 0)
    assert.deepEqual(opens, ['open'])
  })

  it('dispatches decoded messages to channels of the topic and to onMessage callbacks', () => {
    const { socket, t } = connected()
    const a = socket.channel('room:a')
    const b = socket.channel('room:b')
    const got: string[] = []
    a.on('hi', (p: { n: number }) => got.push(`a${p.n}`))
    b.on('hi', (p: { n: number }) => got.push(`b${p.n}`))
    const seen: unknown[] = []
    socket.onMessage((m) => seen.push(m))
    t.receive(null, null, 'room:a', 'hi', { n: 1 })
    assert.deepEqual(got, ['a1'])
    assert.deepEqual(seen, [
      { join_ref: null, ref: null, topic: 'room:a', event: 'hi', payload: { n: 1 } },
    ])
  })

  it('drops undecodable frames without throwing', () => {
    const logs: string[] = []
    const { t } = connected({ logger: (_k, msg) => logs.push(msg) })
    assert.doesNotThrow(() => t.onmessage?.({ data: 'not json' }))
    assert.ok(logs.includes('dropping undecodable frame'))
  })

  it('off removes callbacks by ref', () => {
    const { socket, t } = connected()
    let n = 0
    const ref = socket.onMessage(() => n++)
    t.receive(null, null, 'x', 'y', {})
    socket.off([ref])
    t.receive(null, null, 'x', 'y', {})
    assert.equal(n, 1)
  })

  it('ping reports the round trip and returns false when disconnected', () => {
    const { socket, t } = connected()
    let rtt = -1
    assert.equal(
      socket.ping((ms) => (rtt = ms)),
      true,
    )
    const [, ref] = t.lastOf('heartbeat')
    fx.clock.advance(42)
    t.receive(null, ref, 'phoenix', 'phx_reply', { status: 'ok', response: {} })
    assert.equal(rtt, 42)
    socket.disconnect()
    assert.equal(
      socket.ping(() => {}),
      false,
    )
  })
})

describe('Socket heartbeat', () => {
  it('sends a heartbeat each interval, scheduling the next from the reply', () => {
    const { t } = connected()
    assert.equal(t.messages.length, 0)
    fx.clock.advance(30_000)
    const hb = t.lastOf('heartbeat')
    assert.deepEqual(hb, [null, hb[1], 'phoenix', 'heartbeat', {}])
    fx.clock.advance(10_000)
    t.receive(null, hb[1], 'phoenix', 'phx_reply', { status: 'ok', response: {} })
    fx.clock.advance(29_999)
    assert.equal(t.messages.length, 1)
    fx.clock.advance(1)
    assert.equal(t.messages.length, 2)
  })

  it('no heartbeat while connecting', () => {
    const socket = make()
    socket.connect()
    fx.clock.advance(100_000)
    assert.deepEqual(FakeTransport.last.sent, [])
  })

  it('an unanswered heartbeat errors channels, closes with 1000 and reconnects', () => {
    const { socket, t } = connected()
    const channel = socket.channel('room:1')
    channel.join()
    t.reply('phx_join')
    const reasons: unknown[] = []
    channel.onError((r) => reasons.push(r))
    fx.clock.advance(60_000)
    assert.deepEqual(reasons, [{ source: 'transport', reason: 'heartbeat_timeout' }])
    assert.deepEqual(t.closedWith, { code: 1000, reason: 'heartbeat timeout' })
    assert.equal(FakeTransport.instances.length, 1)
    fx.clock.advance(10)
    assert.equal(FakeTransport.instances.length, 2)
  })

  it('sends no heartbeat after an explicit disconnect', () => {
    const { socket, t } = connected()
    socket.disconnect()
    fx.clock.advance(100_000)
    assert.deepEqual(t.sent, [])
  })
})
