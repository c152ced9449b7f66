// Channel behaviour on a fake transport and virtual time.
import assert from 'node:assert/strict'
import { beforeEach, describe, it } from 'node:test'
import { Socket, type Channel } from '@plume/client'
import { FakeTransport } from './support/fake-transport.js'
import { ManualScheduler } from '@plume/tracker'

let clock: ManualScheduler
let socket: Socket
let t: FakeTransport
beforeEach(() => {
  FakeTransport.reset()
  clock = new ManualScheduler()
  socket = new Socket('ws://example.com/socket', {
    transport: FakeTransport,
    scheduler: clock,
    page: null,
    timeout: 1234,
  })
  socket.connect()
  t = FakeTransport.last
  t.open()
})
const joined = (topic = 'topic'): Channel => {
  const ch = socket.channel(topic, { one: 'two' })
  ch.join()
  t.reply('phx_join')
  return ch
}
const joins = () => t.messages.filter((m) => m[3] === 'phx_join')

describe('Channel construction and join', () => {
  it('starts closed with the socket timeout, params closure and a join push', () => {
    const ch = socket.channel('topic', { one: 'two' })
    assert.equal(ch.state, 'closed')
    assert.equal(ch.topic, 'topic')
    assert.deepEqual(ch.params(), { one: 'two' })
    assert.equal(ch.timeout, 1234)
    assert.equal(ch.joinedOnce, false)
    assert.equal(ch.joinPush.event, 'phx_join')
    assert.deepEqual(ch.pushBuffer, [])
    assert.deepEqual(socket.channels, [ch])
  })

  it('re-evaluates a params closure on every join push', () => {
    let n = 0
    const ch = socket.channel('topic', () => ({ n: ++n }))
    ch.join()
    t.receive(ch.joinRef(), ch.joinRef(), 'topic', 'phx_error', {})
    clock.advance(1000)
    assert.deepEqual(
      joins().map((m) => m[4]),
      [{ n: 1 }, { n: 2 }],
    )
  })

  it('join sets joining, pushes phx_join with ref == join_ref, and throws the second time', () => {
    const ch = socket.channel('topic', { one: 'two' })
    const push = ch.join()
    assert.equal(ch.state, 'joining')
    assert.equal(ch.joinedOnce, true)
    assert.equal(push, ch.joinPush)
    const [joinRef, ref, topic, event, payload] = t.lastOf('phx_join')
    assert.equal(joinRef, ref)
    assert.deepEqual([topic, event, payload], ['topic', 'phx_join', { one: 'two' }])
    assert.throws(() => ch.join(), { name: 'ClientError', code: 'JOIN_TWICE' })
  })

  it('leaves another channel of the same topic before joining', () => {
    const first = joined('topic')
    const second = socket.channel('topic')
    second.join()
    assert.equal(first.state, 'closed')
    assert.ok(!socket.channels.includes(first))
    assert.equal(t.lastOf('phx_leave')[0], first.joinRef())
  })

  it('join ok: joined, ok hooks (also late ones) only, buffered pushes flushed', () => {
    const ch = socket.channel('topic')
    const fired: string[] = []
    const push = ch.join()
    push
      .receive('ok', () => fired.push('ok'))
      .receive('error', () => fired.push('error'))
      .receive('timeout', () => fired.push('timeout'))
    const buffered = ch.push('early', { a: 1 })
    assert.equal(t.messages.filter((m) => m[3] === 'early').length, 0)
    t.reply('phx_join', 'ok', { hello: 1 })
    push.receive('ok', (r: { hello: number }) => fired.push(`late ${r.hello}`))
    assert.equal(ch.state, 'joined')
    assert.deepEqual(fired, ['ok', 'late 1'])
    assert.deepEqual(push.receivedResp, { status: 'ok', response: { hello: 1 } })
    const early = t.lastOf('early')
    assert.deepEqual([early[0], early[4]], [ch.joinRef(), { a: 1 }])
    assert.equal(early[1], buffered.ref)
    assert.deepEqual(ch.pushBuffer, [])
    clock.advance(100_000)
    assert.deepEqual(fired, ['ok', 'late 1'], 'no timeout after ok, no rejoin')
    assert.equal(joins().length, 1)
  })

  it('join error: errored, error hooks only, no flush, rejoin with backoff', (ctx) => {
    // The default backoff is jittered below phoenix.js's step; at its upper bound it is the step.
    ctx.mock.method(Math, 'random', () => 1)
    const ch = socket.channel('topic')
    const fired: string[] = []
    ch.join()
      .receive('error', (r: { reason: string }) => fired.push(r.reason))
      .receive('ok', () => fired.push('ok'))
    ch.push('early', {})
    t.reply('phx_join', 'error', { reason: 'nope' })
    ch.joinPush.receive('error', () => fired.push('late'))
    assert.equal(ch.state, 'errored')
    assert.deepEqual(fired, ['nope', 'late'])
    assert.equal(t.messages.filter((m) => m[3] === 'early').length, 0)
    clock.advance(999)
    assert.equal(joins().length, 1)
    clock.advance(1)
    assert.equal(joins().length, 2)
  })

  it('join timeout: leave sent, errored, timeout hooks, buffered push dropped, retried with backoff', () => {
    const ch = socket.channel('topic')
    const fired: string[] = []
    ch.join()
      .receive('timeout', () => fired.push('timeout'))
      .receive('ok', () => fired.push('ok'))
    const early = ch.push('early', {}, 500)
    clock.advance(1234)
    assert.deepEqual(fired, ['timeout'])
    assert.equal(ch.state, 'errored')
    assert.equal(t.lastOf('phx_leave')[2], 'topic')
    assert.equal(early.hasReceived('timeout'), true)
    clock.advance(1000)
    assert.equal(joins().length, 2)
    t.reply('phx_join')
    assert.equal(ch.state, 'joined')
    assert.equal(t.messages.filter((m) => m[3] === 'early').length, 0)
  })

  it('joins when the socket connects late', () => {
    const late = new Socket('ws://x/socket', {
      transport: FakeTransport,
      scheduler: clock,
      page: null,
    })
    const ch = late.channel('topic')
    ch.join()
    clock.advance(500)
    late.connect()
    const lt = FakeTransport.last
    lt.open()
    lt.reply('phx_join')
    assert.equal(ch.state, 'joined')
  })
})

describe('Channel errors, close and rejoin', () => {
  it('phx_error errors the channel, passes the reason, and rejoins once per backoff step', () => {
    const ch = joined()
    const reasons: unknown[] = []
    ch.onError((r) => reasons.push(r))
    const ref = ch.joinRef()
    t.receive(ref, ref, 'topic', 'phx_error', { reason: 'channel_crash' })
    t.receive(ref, ref, 'topic', 'phx_error', { reason: 'channel_crash' })
    assert.equal(ch.state, 'errored')
    assert.deepEqual(reasons, [{ reason: 'channel_crash' }, { reason: 'channel_crash' }])
    clock.advance(1000)
    assert.equal(joins().length, 2, 'no redundant rejoin')
    assert.notEqual(ch.joinRef(), ref)
  })

  it('drops messages carrying a stale join_ref, accepts broadcasts', () => {
    const ch = joined()
    const old = ch.joinRef()
    t.receive(old, old, 'topic', 'phx_error', {})
    clock.advance(1000)
    const got: unknown[] = []
    ch.on('evt', (p) => got.push(p))
    t.receive(old, null, 'topic', 'evt', { stale: true })
    t.receive(null, null, 'topic', 'evt', { broadcast: true })
    t.receive(ch.joinRef(), null, 'topic', 'evt', { current: true })
    assert.deepEqual(got, [{ broadcast: true }, { current: true }])
  })

  it('does not rejoin while leaving or closed', () => {
    const ch = joined()
    ch.leave()
    ch.rejoin()
    ch.trigger('phx_error', 'late')
    clock.advance(60_000)
    assert.equal(joins().length, 1)
    assert.equal(ch.state, 'closed')
  })

  it('phx_close closes, fires close callbacks and removes the channel', () => {
    const ch = joined()
    const closes: unknown[] = []
    ch.onClose((p) => closes.push(p))
    t.receive(ch.joinRef(), ch.joinRef(), 'topic', 'phx_close', {})
    assert.equal(ch.state, 'closed')
    assert.deepEqual(closes, [{}])
    assert.deepEqual(socket.channels, [])
    clock.advance(60_000)
    assert.equal(joins().length, 1)
  })

  it('a rejoin timer does not fire while the socket is down; open rejoins at once', () => {
    const ch = joined()
    t.serverClose(1006)
    assert.equal(ch.state, 'errored')
    clock.advance(5)
    assert.equal(joins().length, 1)
    clock.advance(5)
    FakeTransport.last.open()
    assert.equal(FakeTransport.last.lastOf('phx_join')[2], 'topic')
  })
})

describe('Channel bindings and hooks', () => {
  it('onMessage returns the payload by default; a falsy return throws', () => {
    const ch = socket.channel('topic')
    assert.deepEqual(ch.onMessage('e', { a: 1 }), { a: 1 })
    ch.onMessage = () => null
    assert.throws(() => ch.trigger('e', { a: 1 }), { code: 'BAD_ON_MESSAGE' })
  })

  it('canPush only when connected and joined', () => {
    const ch = socket.channel('topic')
    assert.equal(ch.canPush(), false)
    ch.join()
    t.reply('phx_join')
    assert.equal(ch.canPush(), true)
    t.readyState = 0
    assert.equal(ch.canPush(), false)
  })

  it('on/off per event with unique refs; all callbacks run even if bindings change', () => {
    const ch = socket.channel('topic')
    const calls: string[] = []
    const r1 = ch.on('e', () => {
      calls.push('1')
      ch.off('e', r2)
    })
    const r2 = ch.on('e', () => calls.push('2'))
    ch.on('other', () => calls.push('other'))
    assert.notEqual(r1, r2)
    ch.trigger('e', {})
    ch.trigger('e', {})
    assert.deepEqual(calls, ['1', '2', '1'])
    ch.off('e')
    ch.trigger('e', {})
    assert.deepEqual(calls, ['1', '2', '1'])
  })

  it('callbacks receive payload, ref and join_ref', () => {
    const ch = joined()
    const got: unknown[] = []
    ch.on('e', (p, ref, joinRef) => got.push([p, ref, joinRef]))
    t.receive(null, null, 'topic', 'e', { x: 1 })
    assert.deepEqual(got, [[{ x: 1 }, null, ch.joinRef()]])
  })
})

describe('Channel push and leave', () => {
  it('push before join throws', () => {
    assert.throws(() => socket.channel('topic').push('e', {}), { code: 'PUSH_BEFORE_JOIN' })
  })

  it('sends at once when joined, with the join_ref; uses the channel timeout or an override', () => {
    const ch = joined()
    const fired: string[] = []
    ch.push('a', { x: 1 }).receive('timeout', () => fired.push('a'))
    ch.push('b', {}, 50).receive('timeout', () => fired.push('b'))
    assert.equal(t.lastOf('a')[0], ch.joinRef())
    clock.advance(50)
    assert.deepEqual(fired, ['b'])
    clock.advance(1184)
    assert.deepEqual(fired, ['b', 'a'])
  })

  it('routes replies to pushes and releases reply handlers (also of buffered pushes)', () => {
    const ch = socket.channel('topic')
    ch.join()
    const p = ch.push('q', {})
    const firstRef = p.ref
    t.reply('phx_join')
    assert.notEqual(p.ref, firstRef, 'a buffered push gets a new ref when sent')
    // Reply handlers are `chan_reply_<ref>` bindings, as in phoenix.js.
    const replyBindings = () => ch.bindings.filter((b) => b.event.startsWith('chan_reply_'))
    assert.equal(ch.replyEventName(firstRef), `chan_reply_${firstRef}`)
    assert.equal(
      replyBindings().some((b) => b.event === ch.replyEventName(firstRef)),
      false,
    )
    let resp: unknown
    p.receive('ok', (r: unknown) => {
      resp = r
    })
    t.reply('q', 'ok', { answer: 42 })
    assert.deepEqual(resp, { answer: 42 })
    assert.equal(replyBindings().length, 0)
  })

  it('leave sends phx_leave with the join_ref, closes and removes the channel', () => {
    const ch = joined()
    const joinRef = ch.joinRef()
    let closed = 0
    ch.onClose(() => closed++)
    let ok = false
    ch.leave().receive('ok', () => (ok = true))
    const leave = t.lastOf('phx_leave')
    assert.deepEqual([leave[0], leave[2], leave[4]], [joinRef, 'topic', {}])
    assert.equal(ok, true)
    assert.equal(ch.state, 'closed')
    assert.equal(closed, 1)
    assert.deepEqual(socket.channels, [])
    t.receive(joinRef, joinRef, 'topic', 'phx_close', {})
    assert.equal(closed, 1, 'server close reaches a removed channel no more')
  })
})
