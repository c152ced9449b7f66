// Long-poll transport over real HTTP (fetch). Poll windows and session expiry
// run on a ManualScheduler, so nothing here waits for wall-clock time.

import assert from 'node:assert/strict'
import { after, before, describe, it } from 'node:test'
import { connectError, ok, reply, type ChannelHandler, type Endpoint } from '@plume/server'
import { RoomChannel, terminated } from './fixtures.js'
import { within } from '@plume/testkit'
import { startEndpoint, type captureLogger } from './helpers.js'
import { ManualScheduler } from '@plume/tracker'

const WINDOW = 10_000
let endpoint: Endpoint
let base: string
let logger: ReturnType<typeof captureLogger>
const scheduler = new ManualScheduler()
let releaseJoin: () => void = () => {}
let joinStarted = false

const Gate: ChannelHandler = {
  async join() {
    joinStarted = true
    await new Promise<void>((resolve) => (releaseJoin = resolve))
    return ok()
  },
  handleIn: () => reply('ok'),
}

before(async () => {
  let url: string
  ;({ endpoint, url, logger } = await startEndpoint(
    {
      connect: (params, info) => {
        if (params['deny'] === 'yes') return false
        if (params['deny'] === 'slow') return connectError(429)
        return { user: info.authToken ?? params['user'] ?? 'anon' }
      },
      id: (a) => `user:${String(a['user'])}`,
      channels: [
        ['room:*', RoomChannel],
        ['gate', Gate],
      ],
      longpoll: { windowMs: WINDOW },
      checkOrigin: ['//*.good.test'],
    },
    { scheduler },
  ))
  base = `${url}/socket/longpoll`
})
after(() => endpoint.close())

interface Answer {
  http: number
  headers: Headers
  body: { status: number; token?: string; messages?: string[] }
}

async function lp(
  method: string,
  opts: { token?: string; query?: string; body?: string; headers?: Record<string, string> } = {},
): Promise<Answer> {
  const headers: Record<string, string> = { ...opts.headers }
  if (opts.token !== undefined) headers['x-phoenix-longpoll-token'] = opts.token
  const res = await within(
    fetch(`${base}?vsn=2.0.0${opts.query ?? ''}`, { method, headers, body: opts.body ?? null }),
    `${method} long-poll`,
  )
  const text = await res.text()
  return {
    http: res.status,
    headers: res.headers,
    body: text === '' ? { status: -1 } : (JSON.parse(text) as Answer['body']),
  }
}

const ndjson = (...frames: unknown[]): { body: string; headers: Record<string, string> } => ({
  body: frames.map((f) => (typeof f === 'string' ? f : JSON.stringify(f))).join('\n'),
  headers: { 'content-type': 'application/x-ndjson' },
})

async function session(query = ''): Promise<string> {
  const a = await lp('GET', { query })
  assert.equal(a.body.status, 410)
  assert.equal(typeof a.body.token, 'string')
  return a.body.token ?? ''
}

async function eventually(check: () => boolean, label: string): Promise<void> {
  await within(
    (async () => {
      while (!check()) await new Promise((r) => setImmediate(r))
    })(),
    label,
  )
}

describe('long-poll', () => {
  it('GET without a token creates a session: HTTP 200, body 410 + token, JSON, CORS, no-store', async () => {
    const a = await lp('GET')
    assert.equal(a.http, 200)
    assert.deepEqual({ ...a.body, token: 'T' }, { status: 410, token: 'T', messages: [] })
    assert.ok((a.body.token ?? '').length >= 32, 'token is long and random')
    assert.equal(a.headers.get('cache-control'), 'no-store')
    assert.equal(a.headers.get('access-control-allow-origin'), '*')
    assert.match(a.headers.get('content-type') ?? '', /^application\/json/)
  })

  it('POST join -> 200; GET returns the buffered frames as JSON strings', async () => {
    const token = await session()
    const post = await lp('POST', {
      token,
      ...ndjson(['1', '1', 'room:lp', 'phx_join', { after_join: true }]),
    })
    assert.deepEqual(post.body, { status: 200 })
    const got = await lp('GET', { token })
    assert.equal(got.body.status, 200)
    assert.deepEqual(
      got.body.messages?.map((m) => JSON.parse(m) as unknown),
      [
        ['1', '1', 'room:lp', 'phx_reply', { status: 'ok', response: {} }],
        ['1', null, 'room:lp', 'after_join', {}],
      ],
    )
  })

  it('a parked GET answers as soon as data arrives, and with 204 after the window', async () => {
    const token = await session()
    await lp('POST', { token, ...ndjson(['1', '1', 'room:park', 'phx_join', {}]) })
    await lp('GET', { token })
    const parked = lp('GET', { token })
    await new Promise((r) => setImmediate(r))
    await endpoint.broadcast('room:park', 'news', { n: 1 })
    assert.deepEqual(
      (await parked).body.messages?.map((m) => JSON.parse(m) as unknown),
      [[null, null, 'room:park', 'news', { n: 1 }]],
    )
    const pendingBefore = scheduler.pending
    const idle = lp('GET', { token })
    await eventually(() => scheduler.pending > pendingBefore, 'GET parked')
    scheduler.advance(WINDOW)
    assert.deepEqual((await idle).body, { status: 204, token, messages: [] })
  })

  it('ndjson: lines run in order, only the first 100 count, base64 lines are binary pushes', async () => {
    const token = await session()
    await lp('POST', { token, ...ndjson(['1', '1', 'room:nd', 'phx_join', {}]) })
    await lp('GET', { token })
    const lines = Array.from({ length: 105 }, (_, i) => [
      '1',
      String(100 + i),
      'room:nd',
      'echo',
      { i },
    ])
    assert.deepEqual((await lp('POST', { token, ...ndjson(...lines) })).body, { status: 200 })
    const refs = (await lp('GET', { token })).body.messages?.map(
      (m) => (JSON.parse(m) as unknown[])[1],
    )
    assert.deepEqual(
      refs,
      Array.from({ length: 100 }, (_, i) => String(100 + i)),
    )
    const push = Buffer.from([0, 1, 1, 7, 4, ...Buffer.from('17room:ndoops'), 5]).toString('base64')
    assert.deepEqual((await lp('POST', { token, ...ndjson(push) })).body, { status: 200 })
    const [r] = (await lp('GET', { token })).body.messages ?? []
    assert.deepEqual(JSON.parse(r ?? 'null'), [
      '1',
      '7',
      'room:nd',
      'phx_reply',
      { status: 'error', response: { unknown: 'oops' } },
    ])
  })

  it('a non-ndjson POST body is one text frame (empty content type too)', async () => {
    const token = await session()
    const a = await lp('POST', {
      token,
      body: JSON.stringify([null, '5', 'phoenix', 'heartbeat', {}]),
      headers: { 'content-type': '' },
    })
    assert.deepEqual(a.body, { status: 200 })
    assert.deepEqual(JSON.parse((await lp('GET', { token })).body.messages?.[0] ?? ''), [
      null,
      '5',
      'phoenix',
      'phx_reply',
      { status: 'ok', response: {} },
    ])
  })

  it('the token header wins over ?token=, which also works alone', async () => {
    const token = await session()
    await lp('POST', { token, ...ndjson([null, '1', 'phoenix', 'heartbeat', {}]) })
    const viaBoth = await lp('GET', { token, query: '&token=bogus' })
    assert.equal(viaBoth.body.status, 200)
    await lp('POST', {
      query: `&token=${token}`,
      ...ndjson([null, '2', 'phoenix', 'heartbeat', {}]),
    })
    assert.equal((await lp('GET', { query: `&token=${token}` })).body.status, 200)
  })

  it('POST without a live session -> 410; unknown token on GET -> a new session', async () => {
    assert.deepEqual(
      (await lp('POST', { token: 'nope', ...ndjson([null, '1', 'phoenix', 'heartbeat', {}]) }))
        .body,
      { status: 410 },
    )
    const a = await lp('GET', { token: 'nope' })
    assert.equal(a.body.status, 410)
    assert.notEqual(a.body.token, 'nope')
  })

  it('expires a session after 1.5 windows without a GET; channels terminate "inactive"', async () => {
    const token = await session()
    await lp('POST', { token, ...ndjson(['1', '1', 'room:expire', 'phx_join', {}]) })
    scheduler.advance(WINDOW)
    assert.equal((await lp('GET', { token })).body.status, 200, 'a GET keeps it alive')
    scheduler.advance(WINDOW * 1.5)
    assert.deepEqual(
      (await lp('POST', { token, ...ndjson([null, '1', 'phoenix', 'heartbeat', {}]) })).body,
      { status: 410 },
    )
    await eventually(
      () => terminated.some((t) => t.topic === 'room:expire' && t.reason === 'inactive'),
      'terminate inactive',
    )
  })

  it('a disconnect broadcast ends the session: the parked GET and later polls see 410', async () => {
    const token = await session('&user=kick')
    const pendingBefore = scheduler.pending
    const parked = lp('GET', { token })
    await eventually(() => scheduler.pending > pendingBefore, 'GET parked')
    await endpoint.broadcast('user:kick', 'disconnect', {})
    assert.equal((await parked).body.status, 410)
    const again = await lp('GET', { token })
    assert.equal(again.body.status, 410)
    assert.notEqual(again.body.token, token)
  })

  it('answers 408 when a line is not dispatched within the window', async () => {
    const token = await session()
    const post = lp('POST', { token, ...ndjson(['1', '1', 'gate', 'phx_join', {}]) })
    await eventually(() => joinStarted, 'join started')
    scheduler.advance(WINDOW)
    assert.deepEqual((await post).body, { status: 408 })
    releaseJoin()
  })

  it('refusals: connect false / connectError / bad vsn / bad origin give body statuses; CORS preflight; 400 for other methods', async () => {
    assert.deepEqual((await lp('GET', { query: '&deny=yes' })).body, { status: 403 })
    assert.deepEqual((await lp('GET', { query: '&deny=slow' })).body, { status: 429 })
    const badVsn = await within(fetch(`${base}?vsn=123.1.1`), 'GET')
    assert.deepEqual(await badVsn.json(), { status: 403 })
    assert.deepEqual((await lp('GET', { headers: { origin: 'https://evil.test' } })).body, {
      status: 403,
    })
    assert.equal(
      (await lp('GET', { headers: { origin: 'https://a.b.good.test' } })).body.status,
      410,
    )
    const pre = await lp('OPTIONS', {
      headers: { 'access-control-request-headers': 'x-phoenix-longpoll-token' },
    })
    assert.equal(pre.http, 200)
    assert.equal(pre.headers.get('access-control-allow-headers'), 'x-phoenix-longpoll-token')
    assert.equal(pre.headers.get('access-control-allow-methods'), 'get, post, options')
    assert.equal(pre.headers.get('access-control-max-age'), '3600')
    assert.equal((await lp('PUT')).http, 400)
    assert.ok(logger.entries.some((e) => e.msg.includes('origin refused')))
  })

  it('passes x-phoenix-authtoken to connect as the auth token', async () => {
    const a = await lp('GET', { headers: { 'x-phoenix-authtoken': 'raw-token' } })
    const t = a.body.token ?? ''
    await lp('POST', { token: t, ...ndjson(['1', '1', 'room:auth', 'phx_join', { reply: true }]) })
    assert.deepEqual(JSON.parse((await lp('GET', { token: t })).body.messages?.[0] ?? ''), [
      '1',
      '1',
      'room:auth',
      'phx_reply',
      { status: 'ok', response: { welcome: 'raw-token' } },
    ])
  })
})
