// Exact wire behaviour beyond channel flows: V1 frames, binary frames, vsn and origin
// refusals, auth token subprotocol, forced disconnect, frame size limit, malformed frames.

import assert from 'node:assert/strict'
import { after, before, describe, it } from 'node:test'
import { connectError, type Endpoint } from '@plume/server'
import { RoomChannel } from './fixtures.js'
import { within } from '@plume/testkit'
import { RawClient, refusedStatus, startEndpoint, type captureLogger } from './helpers.js'

let endpoint: Endpoint
let wsUrl: string
let logger: ReturnType<typeof captureLogger>
const v2 = (): string => `${wsUrl}?vsn=2.0.0`

before(async () => {
  ;({ endpoint, wsUrl, logger } = await startEndpoint({
    connect: (params, info) => {
      if (params['deny'] === 'yes') return false
      if (params['deny'] === 'slow') return connectError(429, 'slow down')
      // eslint-disable-next-line @typescript-eslint/only-throw-error -- throwing a refusal is supported API
      if (params['deny'] === 'throw') throw connectError(451)
      return { user: params['user'] ?? info.authToken ?? 'anon' }
    },
    id: (a) => (a['user'] === 'anon' ? null : `user:${String(a['user'])}`),
    channels: [['room:*', RoomChannel]],
    websocket: { maxFrameSize: 4096 },
  }))
})
after(() => endpoint.close())

function bytes(...parts: Array<number | string | Uint8Array>): Uint8Array {
  const chunks = parts.map((p) =>
    typeof p === 'number'
      ? Uint8Array.of(p)
      : typeof p === 'string'
        ? new TextEncoder().encode(p)
        : p,
  )
  return Uint8Array.from(chunks.flatMap((c) => [...c]))
}

describe('handshake', () => {
  it('refuses an unsupported vsn with 403 and logs a warning', async () => {
    assert.equal(await refusedStatus(`${wsUrl}?vsn=123.1.1`), 403)
    assert.ok(logger.entries.some((e) => e.level === 'warn' && e.data?.['vsn'] === '123.1.1'))
  })

  it('connect false -> 403; connectError -> its status, returned or thrown', async () => {
    assert.equal(await refusedStatus(`${v2()}&deny=yes`), 403)
    assert.equal(await refusedStatus(`${v2()}&deny=slow`), 429)
    assert.equal(await refusedStatus(`${v2()}&deny=throw`), 451)
  })

  it('an auth token in the subprotocol reaches connect; the server answers "phoenix"', async () => {
    const token = Buffer.from('s3cr3t!').toString('base64').replace(/=/g, '')
    const c = await RawClient.open(v2(), ['phoenix', `base64url.bearer.phx.${token}`])
    assert.equal(c.ws.protocol, 'phoenix')
    const j = c.join('room:1', { reply: true })
    assert.deepEqual((await c.reply(j))[4], { status: 'ok', response: { welcome: 's3cr3t!' } })
    await c.close()
  })

  it('refuses a malformed auth token subprotocol with 403', async () => {
    assert.equal(
      await refusedStatus(v2(), { protocols: ['phoenix', 'base64url.bearer.phx.A'] }),
      403,
    )
  })

  it('answers unknown upgrade paths with 404', async () => {
    assert.equal(await refusedStatus(wsUrl.replace('/socket/websocket', '/nope')), 404)
  })
})

describe('serializers', () => {
  it('speaks V1 objects (no vsn), never emitting join_ref', async () => {
    const c = await RawClient.open(wsUrl)
    c.send(JSON.stringify({ topic: 'room:v1', event: 'phx_join', payload: {}, ref: '1' }))
    const r = JSON.parse((await c.takeRaw(() => true)) as string) as unknown
    assert.deepEqual(r, {
      topic: 'room:v1',
      event: 'phx_reply',
      payload: { status: 'ok', response: {} },
      ref: '1',
    })
    c.send(
      JSON.stringify({
        topic: 'room:v1',
        event: 'push',
        payload: { a: 1 },
        ref: '2',
        join_ref: '1',
      }),
    )
    assert.deepEqual(JSON.parse((await c.takeRaw(() => true)) as string), {
      topic: 'room:v1',
      event: 'pushed',
      payload: { a: 1 },
      ref: null,
    })
    c.send(JSON.stringify({ topic: 'room:v1', event: 'echo', payload: { b: 2 }, ref: '3' }))
    assert.deepEqual(JSON.parse((await c.takeRaw(() => true)) as string), {
      topic: 'room:v1',
      event: 'phx_reply',
      payload: { status: 'ok', response: { b: 2 } },
      ref: '3',
    })
    await c.close()
  })

  it('binary push in, binary reply (kind 1) and binary push (kind 0) out', async () => {
    const c = await RawClient.open(v2())
    const j = c.join('room:bin')
    await c.reply(j)
    c.send(bytes(0, j.length, 1, 8, 6, j, '5', 'room:bin', 'binary', Uint8Array.of(1, 2, 3)))
    const push = (await c.takeRaw((f) => Buffer.isBuffer(f) && f[0] === 0)) as Buffer
    assert.deepEqual(
      [...push],
      [...bytes(0, j.length, 8, 3, j, 'room:bin', 'bin', Uint8Array.of(9, 8, 7))],
    )
    const rep = (await c.takeRaw((f) => Buffer.isBuffer(f) && f[0] === 1)) as Buffer
    assert.deepEqual(
      [...rep],
      [...bytes(1, j.length, 1, 8, 2, j, '5', 'room:bin', 'ok', Uint8Array.of(1, 2, 3))],
    )
    await c.close()
  })

  it('broadcasts binary payloads as kind 2', async () => {
    const c = await RawClient.open(v2())
    await c.reply(c.join('room:bb'))
    await endpoint.broadcast('room:bb', 'blob', Uint8Array.of(7))
    const f = (await c.takeRaw((x) => Buffer.isBuffer(x))) as Buffer
    assert.deepEqual([...f], [...bytes(2, 7, 4, 'room:bb', 'blob', Uint8Array.of(7))])
    await c.close()
  })
})

describe('bad input', () => {
  it('malformed frames: error reply when a ref is recoverable, else close 1007/1003; others untouched', async () => {
    const bystander = await RawClient.open(v2())
    const bj = bystander.join('room:safe')
    await bystander.reply(bj)

    const a = await RawClient.open(v2())
    a.send('["1","2","room:1","too-short"]')
    const r = await a.next()
    assert.deepEqual([r[0], r[1], r[2], r[3]], [null, '2', 'room:1', 'phx_reply'])
    assert.equal((r[4] as { response: { reason: string } }).response.reason, 'invalid message')
    a.send('not json at all')
    assert.equal((await within(a.closed, 'close')).code, 1007)

    const b = await RawClient.open(v2())
    b.send(Uint8Array.of(0, 5))
    assert.equal((await within(b.closed, 'close')).code, 1007)

    const v1 = await RawClient.open(wsUrl)
    v1.send(Uint8Array.of(0, 0, 0, 0, 0))
    assert.equal((await within(v1.closed, 'close')).code, 1003)

    const big = await RawClient.open(v2())
    big.send(JSON.stringify([null, '1', 'room:x', 'echo', { pad: 'x'.repeat(5000) }]))
    assert.equal((await within(big.closed, 'close')).code, 1009)

    bystander.send([bj, '9', 'room:safe', 'echo', { ok: true }])
    assert.deepEqual((await bystander.reply('9'))[4], { status: 'ok', response: { ok: true } })
    assert.equal(logger.entries.filter((e) => e.msg === 'plume: invalid frame').length, 4)
    await bystander.close()
  })
})

describe('socket id', () => {
  it('a "disconnect" broadcast closes every connection with that id (1001); channels terminate', async () => {
    const a = await RawClient.open(`${v2()}&user=zed`)
    const b = await RawClient.open(`${v2()}&user=zed`)
    const other = await RawClient.open(`${v2()}&user=amy`)
    await a.reply(a.join('room:z'))
    await endpoint.broadcast('user:zed', 'disconnect', {})
    assert.equal((await within(a.closed, 'a close')).code, 1001)
    assert.equal((await within(b.closed, 'b close')).code, 1001)
    other.send([null, '1', 'phoenix', 'heartbeat', {}])
    await other.reply('1')
    await other.close()
  })
})
