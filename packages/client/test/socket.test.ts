// Socket behaviour (spec §5.1, §5.2, §7.2) on a fake transport and virtual time.
import assert from 'node:assert/strict'
import { beforeEach, describe, it } from 'node:test'
import { LongPoll, Socket, type PageLike, type SocketOptions } from '@plume/client'
import { FakeTransport } from './support/fake-transport.js'
import { ManualScheduler } from './support/manual-scheduler.js'

let clock: ManualScheduler
beforeEach(() => {
  FakeTransport.reset()
  clock = new ManualScheduler()
})
const make = (opts: SocketOptions = {}) =>
  new Socket('ws://example.com/socket', {
    transport: FakeTransport,
    scheduler: clock,
    page: null,
    ...opts,
  })
const connected = (opts: SocketOptions = {}) => {
  const socket = make(opts)
  socket.connect()
  FakeTransport.last.open()
  return { socket, t: FakeTransport.last }
}

class FakePage implements PageLike {
  hidden = false
  handlers = new Map<string, () => void>()
  on(event: string, fn: () => void) {
    this.handlers.set(event, fn)
    return () => this.handlers.delete(event)
  }
  fire(event: string) {
    this.handlers.get(event)?.()
  }
}

describe('Socket options', () => {
  it('has the phoenix.js defaults', () => {
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
    clock.advance(10)
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
    assert.equal(socket.connection, null)
    clock.advance(60_000)
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
    clock.advance(42)
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
    clock.advance(30_000)
    const hb = t.lastOf('heartbeat')
    assert.deepEqual(hb, [null, hb[1], 'phoenix', 'heartbeat', {}])
    clock.advance(10_000)
    t.receive(null, hb[1], 'phoenix', 'phx_reply', { status: 'ok', response: {} })
    clock.advance(29_999)
    assert.equal(t.messages.length, 1)
    clock.advance(1)
    assert.equal(t.messages.length, 2)
  })

  it('no heartbeat while connecting', () => {
    const socket = make()
    socket.connect()
    clock.advance(100_000)
    assert.deepEqual(FakeTransport.last.sent, [])
  })

  it('an unanswered heartbeat errors channels, closes with 1000 and reconnects', () => {
    const { socket, t } = connected()
    const channel = socket.channel('room:1')
    channel.join()
    t.reply('phx_join')
    const reasons: unknown[] = []
    channel.onError((r) => reasons.push(r))
    clock.advance(60_000)
    assert.deepEqual(reasons, ['heartbeat_timeout'])
    assert.deepEqual(t.closedWith, { code: 1000, reason: 'heartbeat timeout' })
    assert.equal(FakeTransport.instances.length, 1)
    clock.advance(10)
    assert.equal(FakeTransport.instances.length, 2)
  })

  it('sends no heartbeat after an explicit disconnect', () => {
    const { socket, t } = connected()
    socket.disconnect()
    clock.advance(100_000)
    assert.deepEqual(t.sent, [])
  })
})

describe('Socket reconnect and channel errors', () => {
  it('an abnormal close reconnects with backoff; a 1000 close does not', () => {
    const { t } = connected()
    t.serverClose(1006)
    clock.advance(9)
    assert.equal(FakeTransport.instances.length, 1)
    clock.advance(1)
    assert.equal(FakeTransport.instances.length, 2)
    FakeTransport.last.serverClose(1006)
    clock.advance(49)
    assert.equal(FakeTransport.instances.length, 2)
    clock.advance(1)
    assert.equal(FakeTransport.instances.length, 3)
    FakeTransport.last.open()
    FakeTransport.last.serverClose(1000)
    clock.advance(10_000)
    assert.equal(FakeTransport.instances.length, 3)
  })

  it('reconnects when connecting fails after an earlier clean disconnect', () => {
    const { socket } = connected()
    socket.disconnect()
    socket.connect()
    FakeTransport.last.serverClose(1006)
    clock.advance(10)
    assert.equal(FakeTransport.instances.length, 3)
  })

  it('close errors joining and joined channels but not leaving ones', () => {
    const { socket, t } = connected()
    const joined = socket.channel('a')
    joined.join()
    t.reply('phx_join')
    const joining = socket.channel('b')
    joining.join()
    const leaving = socket.channel('c')
    leaving.join()
    leaving.state = 'leaving'
    const errors: string[] = []
    for (const c of [joined, joining, leaving]) c.onError(() => errors.push(c.topic))
    t.serverClose(1006)
    assert.deepEqual(errors, ['a', 'b'])
    assert.equal(joined.state, 'errored')
  })

  it('a transport error fires error callbacks and errors channels', () => {
    const { socket, t } = connected()
    const ch = socket.channel('a')
    ch.join()
    const seen: unknown[] = []
    socket.onError((e, transport, established) => seen.push([e, transport, established]))
    const reasons: unknown[] = []
    ch.onError((r) => reasons.push(r))
    t.fail('boom')
    assert.deepEqual(seen, [['boom', FakeTransport, 1]])
    assert.deepEqual(reasons, ['connection_error'])
  })

  it('open rejoins errored channels at once', () => {
    const { socket, t } = connected()
    const ch = socket.channel('a')
    ch.join()
    t.reply('phx_join')
    t.serverClose(1006)
    clock.advance(10)
    const t2 = FakeTransport.last
    t2.open()
    assert.equal(ch.state, 'joining')
    assert.equal(t2.lastOf('phx_join')[2], 'a')
  })

  it('stale transport events are ignored after a reconnect', () => {
    const { socket, t } = connected()
    t.serverClose(1006)
    clock.advance(10)
    const ch = socket.channel('a')
    const got: unknown[] = []
    ch.on('x', (p) => got.push(p))
    t.receive(null, null, 'a', 'x', { old: true })
    FakeTransport.last.receive(null, null, 'a', 'x', { fresh: true })
    assert.deepEqual(got, [{ fresh: true }])
  })
})

describe('Socket page visibility', () => {
  it('never connects a socket that was never connected', () => {
    const page = new FakePage()
    make({ page })
    page.fire('visibilitychange')
    assert.equal(FakeTransport.instances.length, 0)
  })

  it('reconnects at once when visible after an unclean close, not after a clean one', () => {
    const page = new FakePage()
    const socket = make({ page, reconnectAfterMs: () => 60_000 })
    socket.connect()
    FakeTransport.last.open()
    FakeTransport.last.serverClose(1006)
    page.hidden = true
    page.fire('visibilitychange')
    assert.equal(FakeTransport.instances.length, 1)
    page.hidden = false
    page.fire('visibilitychange')
    assert.equal(FakeTransport.instances.length, 2)
    FakeTransport.last.open()
    socket.disconnect()
    page.fire('visibilitychange')
    assert.equal(FakeTransport.instances.length, 2)
  })

  it('does not reconnect while hidden, and pagehide/pageshow disconnect and reconnect', () => {
    const page = new FakePage()
    const socket = make({ page })
    socket.connect()
    FakeTransport.last.open()
    page.hidden = true
    FakeTransport.last.serverClose(1006)
    clock.advance(100)
    assert.equal(FakeTransport.instances.length, 1)
    page.hidden = false
    page.fire('visibilitychange')
    FakeTransport.last.open()
    page.fire('pagehide')
    assert.equal(socket.isConnected(), false)
    page.fire('pageshow')
    assert.equal(FakeTransport.instances.length, 3)
  })
})

describe('Socket long-poll fallback', () => {
  it('falls back when the primary errors before opening and remembers it', () => {
    const store = new Map<string, string>()
    const storage = {
      getItem: (k: string) => store.get(k) ?? null,
      setItem: (k: string, v: string) => void store.set(k, v),
    }
    const socket = make({ longPollFallbackMs: 2500, sessionStorage: storage })
    const ch = socket.channel('a')
    ch.join()
    const errors: unknown[] = []
    ch.onError((r) => errors.push(r))
    socket.connect()
    FakeTransport.last.fail('refused')
    assert.ok(socket.conn instanceof LongPoll)
    assert.equal(socket.conn.pollEndpoint, 'http://example.com/socket/longpoll?vsn=2.0.0')
    assert.deepEqual(errors, [], 'a replaced primary errors no channel')
    const lp = socket.conn as unknown as { readyState: number; onopen: (e: unknown) => void }
    lp.readyState = 1
    lp.onopen({})
    assert.equal(store.get('phx:fallback:LongPoll'), 'true')
    socket.disconnect()
  })

  it('falls back when the primary never answers within the deadline', () => {
    const socket = make({ longPollFallbackMs: 2500, sessionStorage: null })
    socket.connect()
    FakeTransport.last.open()
    clock.advance(2499)
    assert.equal(socket.conn instanceof FakeTransport, true)
    clock.advance(1)
    assert.ok(socket.conn instanceof LongPoll)
    socket.disconnect()
  })

  it('stays on WebSocket once a ping answers', () => {
    const socket = make({ longPollFallbackMs: 2500, sessionStorage: null })
    socket.connect()
    const t = FakeTransport.last
    t.open()
    const [, ref] = t.lastOf('heartbeat')
    t.receive(null, ref, 'phoenix', 'phx_reply', { status: 'ok', response: {} })
    clock.advance(10_000)
    assert.equal(socket.conn, t)
    assert.equal(socket.primaryPassedHealthCheck, true)
    socket.disconnect()
  })
})

describe('Socket with several endpoints', () => {
  it('moves to the next endpoint on each reconnect, so clients of a drained node go elsewhere', () => {
    const socket = new Socket(['ws://a.test/socket', 'ws://b.test/socket'], {
      transport: FakeTransport,
      scheduler: clock,
      page: null,
    })
    socket.connect()
    assert.match(FakeTransport.last.url, /^ws:\/\/a\.test\/socket\/websocket\?/)
    FakeTransport.last.open()
    FakeTransport.last.serverClose(1012)
    clock.advance(socket.reconnectAfterMs(1))
    assert.match(FakeTransport.last.url, /^ws:\/\/b\.test\/socket\/websocket\?/)
    FakeTransport.last.open()
    FakeTransport.last.serverClose(1012)
    clock.advance(socket.reconnectAfterMs(1))
    assert.match(FakeTransport.last.url, /^ws:\/\/a\.test\//, 'wraps around')
    socket.disconnect()
  })

  it('refuses an empty list', () => {
    assert.throws(() => new Socket([], { page: null }), /at least one endpoint/)
  })
})
