// Socket resilience on a fake transport and virtual time: reconnects,
// channel errors, page visibility, the long-poll fallback and endpoint lists.
import assert from 'node:assert/strict'
import { beforeEach, describe, it } from 'node:test'
import { LongPoll, Socket } from '@plume/client'
import { FakeTransport } from './support/fake-transport.js'
import { FakePage, connected, fx, make, resetSocketFixture } from './support/socket-fixture.js'

beforeEach(resetSocketFixture)

describe('Socket reconnect and channel errors', () => {
  it('an abnormal close reconnects with backoff; a 1000 close does not', (ctx) => {
    // The default backoff is jittered below phoenix.js's step; at its upper bound it is the step.
    ctx.mock.method(Math, 'random', () => 1)
    const { t } = connected()
    t.serverClose(1006)
    fx.clock.advance(9)
    assert.equal(FakeTransport.instances.length, 1)
    fx.clock.advance(1)
    assert.equal(FakeTransport.instances.length, 2)
    FakeTransport.last.serverClose(1006)
    fx.clock.advance(49)
    assert.equal(FakeTransport.instances.length, 2)
    fx.clock.advance(1)
    assert.equal(FakeTransport.instances.length, 3)
    FakeTransport.last.open()
    FakeTransport.last.serverClose(1000)
    fx.clock.advance(10_000)
    assert.equal(FakeTransport.instances.length, 3)
  })

  it('reconnects when connecting fails after an earlier clean disconnect', () => {
    const { socket } = connected()
    socket.disconnect()
    socket.connect()
    FakeTransport.last.serverClose(1006)
    fx.clock.advance(10)
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
    // phoenix.js 1.8's transport error payload.
    assert.deepEqual(reasons, [{ source: 'transport', reason: 'connection_error' }])
  })

  it('open rejoins errored channels at once', () => {
    const { socket, t } = connected()
    const ch = socket.channel('a')
    ch.join()
    t.reply('phx_join')
    t.serverClose(1006)
    fx.clock.advance(10)
    const t2 = FakeTransport.last
    t2.open()
    assert.equal(ch.state, 'joining')
    assert.equal(t2.lastOf('phx_join')[2], 'a')
  })

  it('stale transport events are ignored after a reconnect', () => {
    const { socket, t } = connected()
    t.serverClose(1006)
    fx.clock.advance(10)
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
    fx.clock.advance(100)
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
    fx.clock.advance(2499)
    assert.equal(socket.conn instanceof FakeTransport, true)
    fx.clock.advance(1)
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
    fx.clock.advance(10_000)
    assert.equal(socket.conn, t)
    assert.equal(socket.primaryPassedHealthCheck, true)
    socket.disconnect()
  })
})

describe('Socket with several endpoints', () => {
  it('moves to the next endpoint on each reconnect, so clients of a drained node go elsewhere', (ctx) => {
    // The default backoff is jittered below phoenix.js's step; at its upper bound it is the step.
    ctx.mock.method(Math, 'random', () => 1)
    const socket = new Socket(['ws://a.test/socket', 'ws://b.test/socket'], {
      transport: FakeTransport,
      scheduler: fx.clock,
      page: null,
    })
    socket.connect()
    assert.match(FakeTransport.last.url, /^ws:\/\/a\.test\/socket\/websocket\?/)
    FakeTransport.last.open()
    FakeTransport.last.serverClose(1012)
    fx.clock.advance(socket.reconnectAfterMs(1))
    assert.match(FakeTransport.last.url, /^ws:\/\/b\.test\/socket\/websocket\?/)
    FakeTransport.last.open()
    FakeTransport.last.serverClose(1012)
    fx.clock.advance(socket.reconnectAfterMs(1))
    assert.match(FakeTransport.last.url, /^ws:\/\/a\.test\//, 'wraps around')
    socket.disconnect()
  })

  it('refuses an empty list', () => {
    assert.throws(() => new Socket([], { page: null }), /at least one endpoint/)
  })
})
