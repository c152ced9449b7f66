// LongPoll transport with a scripted request function and virtual time.
import assert from 'node:assert/strict'
import { beforeEach, describe, it } from 'node:test'
import { setImmediate as flush } from 'node:timers/promises'
import { LongPoll, Socket, type LongPollRequest, type LongPollResponse } from '@plume/client'
import { ManualScheduler } from '@plume/tracker'

interface Call {
  method: string
  url: string
  headers: Record<string, string>
  body: string | null
  signal: AbortSignal
  resolve: (r: LongPollResponse | null) => void
}

let clock: ManualScheduler
let calls: Call[]
const request: LongPollRequest = (req, signal) =>
  new Promise((resolve) => calls.push({ ...req, signal, resolve }))
beforeEach(() => {
  clock = new ManualScheduler()
  calls = []
})
const make = (protocols?: string[] | null) => {
  const lp = new LongPoll('ws://example.com/socket/websocket?vsn=2.0.0', protocols, {
    request,
    scheduler: clock,
  })
  const events: unknown[] = []
  lp.onopen = () => events.push('open')
  lp.onerror = (e) => events.push(['error', e])
  lp.onclose = (e) => events.push(['close', e.code, e.reason])
  lp.onmessage = (e) => events.push(['message', e.data])
  return { lp, events }
}
const gets = () => calls.filter((c) => c.method === 'GET')
const posts = () => calls.filter((c) => c.method === 'POST')
async function respond(call: Call | undefined, r: LongPollResponse | null) {
  assert.ok(call, 'expected a pending request')
  call.resolve(r)
  await flush()
}
async function opened(protocols?: string[] | null) {
  const made = make(protocols)
  clock.advance(0)
  await respond(gets()[0], { status: 410, token: 'T1', messages: [] })
  return made
}

describe('LongPoll constructor', () => {
  it('tolerates missing protocols and extracts only a valid auth token', () => {
    for (const p of [undefined, null, []]) assert.equal(make(p).lp.authToken, undefined)
    assert.equal(make(['phoenix', 'other']).lp.authToken, undefined)
    assert.equal(
      make(['phoenix', `base64url.bearer.phx.${btoa('sekret').replace(/=/g, '')}`]).lp.authToken,
      'sekret',
    )
  })

  it('rewrites the endpoint and polls on the next tick', () => {
    const { lp } = make()
    assert.equal(lp.pollEndpoint, 'http://example.com/socket/longpoll?vsn=2.0.0')
    assert.equal(lp.readyState, 0)
    assert.equal(calls.length, 0)
    clock.advance(0)
    assert.equal(gets().length, 1)
  })
})

describe('LongPoll polling', () => {
  it('410 opens and stores the token; later polls send it in a header; auth header only with a token', async () => {
    const { lp, events } = await opened()
    assert.deepEqual(events, ['open'])
    assert.equal(lp.readyState, 1)
    assert.equal(gets()[0]?.headers['X-Phoenix-AuthToken'], undefined)
    assert.equal(gets()[0]?.headers['X-Phoenix-Longpoll-Token'], undefined)
    assert.equal(gets()[1]?.headers['X-Phoenix-Longpoll-Token'], 'T1')
    assert.equal(gets()[0]?.url, 'http://example.com/socket/longpoll?vsn=2.0.0')
    assert.equal(
      gets()[1]?.url,
      'http://example.com/socket/longpoll?vsn=2.0.0&token=T1',
      'older Phoenix servers read only ?token=',
    )
    const auth = make(['phoenix', `base64url.bearer.phx.${btoa('tok')}`])
    clock.advance(0)
    assert.equal(gets().at(-1)?.headers['X-Phoenix-AuthToken'], 'tok')
    auth.lp.close()
    lp.close()
  })

  it('200 delivers each message in its own task, then polls again; 204 polls again', async () => {
    const { lp, events } = await opened()
    await respond(gets()[1], { status: 200, token: 'T1', messages: ['a', 'b'] })
    assert.equal(gets().length, 3)
    assert.deepEqual(events, ['open'])
    clock.advance(0)
    assert.deepEqual(events, ['open', ['message', 'a'], ['message', 'b']])
    await respond(gets()[2], { status: 204, token: 'T1', messages: [] })
    assert.equal(gets().length, 4)
    lp.close()
  })

  it('410 while holding a token is an error: close 3410 and connecting again', async () => {
    const { lp, events } = await opened()
    await respond(gets()[1], { status: 410, token: 'T2', messages: [] })
    assert.deepEqual(events.slice(1), [
      ['error', 410],
      ['close', 3410, 'session_gone'],
    ])
    assert.equal(lp.readyState, 0)
  })

  it('403 errors and closes with 1008; no response errors and retries with 1011', async () => {
    const a = make()
    clock.advance(0)
    await respond(gets()[0], { status: 403 })
    assert.deepEqual(a.events, [
      ['error', 403],
      ['close', 1008, 'forbidden'],
    ])
    assert.equal(a.lp.readyState, 3)
    calls = []
    const b = await opened()
    await respond(gets().at(-1), null)
    assert.deepEqual(b.events.slice(1), [
      ['error', 500],
      ['close', 1011, 'internal server error'],
    ])
  })

  it('a request timeout errors with "timeout" and retries with 1005', async () => {
    const { lp, events } = await opened()
    lp.timeout = 100
    await respond(gets()[1], { status: 204, token: 'T1' })
    clock.advance(100)
    assert.deepEqual(events.slice(1), [
      ['error', 'timeout'],
      ['close', 1005, 'timeout'],
    ])
    assert.equal(gets()[2]?.signal.aborted, true)
  })
})

describe('LongPoll sending', () => {
  it('coalesces same-tick sends into one ndjson POST with the token header', async () => {
    const { lp } = await opened()
    lp.send('["1","1","t","e",{}]')
    lp.send('["1","2","t","e",{}]')
    clock.advance(0)
    assert.equal(posts().length, 1)
    assert.equal(posts()[0]?.body, '["1","1","t","e",{}]\n["1","2","t","e",{}]')
    assert.equal(posts()[0]?.headers['Content-Type'], 'application/x-ndjson')
    assert.equal(posts()[0]?.headers['X-Phoenix-Longpoll-Token'], 'T1')
    lp.close()
  })

  it('buffers sends during an in-flight POST and flushes them next', async () => {
    const { lp } = await opened()
    lp.send('a')
    clock.advance(0)
    lp.send('b')
    lp.send('c')
    clock.advance(0)
    assert.equal(posts().length, 1)
    await respond(posts()[0], { status: 200 })
    assert.equal(posts()[1]?.body, 'b\nc')
    lp.close()
  })

  it('150 rapid sends become ordered POSTs of 100 and 50 lines', async () => {
    const { lp } = await opened()
    for (let i = 0; i < 150; i++) lp.send(String(i))
    clock.advance(0)
    assert.equal(posts()[0]?.body?.split('\n').length, 100)
    await respond(posts()[0], { status: 200 })
    assert.deepEqual(
      posts()[1]?.body?.split('\n'),
      Array.from({ length: 50 }, (_, i) => String(i + 100)),
    )
    lp.close()
  })

  it('base64-encodes binary frames', async () => {
    const { lp } = await opened()
    lp.send(new Uint8Array([0, 1, 2, 255]))
    clock.advance(0)
    assert.equal(posts()[0]?.body, btoa(String.fromCharCode(0, 1, 2, 255)))
    lp.close()
  })

  it('a POST timeout closes, resets the batch and starts a fresh batch afterwards', async () => {
    const { lp, events } = await opened()
    lp.timeout = 100
    lp.send('a')
    clock.advance(0)
    lp.send('queued')
    clock.advance(100)
    assert.deepEqual(events.slice(1, 3), [
      ['error', 'timeout'],
      ['close', 1005, 'timeout'],
    ])
    assert.equal(lp.readyState, 0)
    lp.send('fresh')
    clock.advance(0)
    assert.equal(posts().at(-1)?.body, 'fresh')
    lp.close()
  })

  it('a non-200 POST answer errors and retries with 1011', async () => {
    const { lp, events } = await opened()
    lp.send('a')
    clock.advance(0)
    await respond(posts()[0], { status: 410 })
    assert.deepEqual(events.slice(1), [
      ['error', 410],
      ['close', 1011, 'internal server error'],
    ])
    lp.close()
  })
})

describe('LongPoll through the Socket', () => {
  it('passes no protocols without authToken and the bearer pair with one', () => {
    const seen: Array<string[] | undefined | null> = []
    class Spy extends LongPoll {
      constructor(url: string, protocols?: string[] | null) {
        super(url, protocols, { request, scheduler: clock })
        seen.push(protocols)
      }
    }
    new Socket('ws://h/socket', { transport: Spy, page: null, scheduler: clock }).connect()
    new Socket('ws://h/socket', {
      transport: Spy,
      page: null,
      scheduler: clock,
      authToken: 'abc',
    }).connect()
    assert.deepEqual(seen, [
      undefined,
      ['phoenix', `base64url.bearer.phx.${btoa('abc').replace(/=/g, '')}`],
    ])
  })

  it('forces the built-in JSON codec and skips heartbeats', async () => {
    let custom = 0
    class Scripted extends LongPoll {
      constructor(url: string, protocols?: string[] | null) {
        super(url, protocols, { request, scheduler: clock })
      }
    }
    const socket = new Socket('ws://h/socket', {
      transport: Scripted,
      page: null,
      scheduler: clock,
      encode: (_m, cb) => cb(String(++custom)),
    })
    socket.connect()
    clock.advance(0)
    await respond(gets()[0], { status: 410, token: 'T' })
    assert.equal(socket.isConnected(), true)
    const ch = socket.channel('room:1')
    ch.join()
    clock.advance(0)
    assert.match(posts()[0]?.body ?? '', /^\["\d+","\d+","room:1","phx_join",\{\}\]$/)
    assert.equal(custom, 0)
    clock.advance(90_000)
    assert.equal(posts().length, 1, 'no heartbeat over long-poll')
    socket.disconnect()
    assert.equal(gets().at(-1)?.signal.aborted, true)
  })
})
