// The WebSocket options `subprotocols` and `compress`: subprotocol
// negotiation beside the phoenix.js auth-token entry, and permessage-deflate negotiation.

import assert from 'node:assert/strict'
import type { Socket } from 'node:net'
import { after, before, describe, it } from 'node:test'
import { Endpoint, ServerError } from '@plume/server'
import { within } from '@plume/testkit'
import { RoomChannel } from './fixtures.js'
import { handshake } from './handshake.js'
import { captureLogger, RawClient, refusedStatus, startEndpoint } from './helpers.js'

const token = (text: string): string =>
  `base64url.bearer.phx.${Buffer.from(text).toString('base64').replace(/=/g, '')}`

describe('subprotocols: not configured', () => {
  let endpoint: Endpoint
  let url: string
  before(async () => {
    let wsUrl: string
    ;({ endpoint, wsUrl } = await startEndpoint({ channels: [['room:*', RoomChannel]] }))
    url = `${wsUrl}?vsn=2.0.0`
  })
  after(() => endpoint.close())

  it('does not check: unknown names are accepted without an answer; "phoenix" is answered', async () => {
    assert.deepEqual(await handshake(url, { protocol: 'mqtt, sip' }), {
      status: 101,
      protocol: undefined,
      body: '',
    })
    assert.equal((await handshake(url, { protocol: 'mqtt, phoenix' })).protocol, 'phoenix')
    assert.equal((await handshake(url)).protocol, undefined)
  })

  it('a malformed header is an invalid upgrade: 400 with the reason', async () => {
    const answer = await handshake(url, { protocol: 'mqtt,,sip' })
    assert.equal(answer.status, 400)
    assert.match(answer.body, /malformed Sec-WebSocket-Protocol/)
  })
})

describe('subprotocols: configured', () => {
  let endpoint: Endpoint
  let url: string
  let logger: ReturnType<typeof captureLogger>
  const connects: Array<string | undefined> = []
  before(async () => {
    let wsUrl: string
    ;({ endpoint, wsUrl, logger } = await startEndpoint({
      connect: (_params, info) => {
        connects.push(info.authToken)
        return { user: info.authToken ?? 'anon' }
      },
      channels: [['room:*', RoomChannel]],
      websocket: { subprotocols: ['mqtt', 'phoenix', 'sip'] },
    }))
    url = `${wsUrl}?vsn=2.0.0`
  })
  after(() => endpoint.close())

  it('echoes the first allowed name the client offers (server order), and the socket works', async () => {
    const c = await RawClient.open(url, ['sip', 'mqtt'])
    assert.equal(c.ws.protocol, 'mqtt')
    const j = c.join('room:1', { reply: true })
    assert.deepEqual((await c.reply(j))[4], { status: 'ok', response: { welcome: 'anon' } })
    await c.close()
    assert.equal((await handshake(url, { protocol: 'xmpp, sip' })).protocol, 'sip')
  })

  it('a client offering none of them gets 403, before connect runs', async () => {
    const before = connects.length
    assert.equal(await refusedStatus(url, { protocols: ['xmpp'] }), 403)
    assert.equal((await handshake(url, { protocol: `xmpp, ${token('t')}` })).status, 403)
    assert.equal(connects.length, before)
    assert.ok(logger.entries.some((e) => e.msg.includes('no allowed subprotocol offered')))
  })

  it('a malformed header gets 403 (empty entry, non-token character, duplicate, empty value)', async () => {
    for (const protocol of ['mqtt,,sip', 'mq tt', 'mqtt, mqtt', 'mqtt/1', '']) {
      assert.equal((await handshake(url, { protocol })).status, 403, `header ${protocol}`)
    }
  })

  it('no header at all is not checked (as Phoenix)', async () => {
    const c = await RawClient.open(url)
    assert.equal(c.ws.protocol, '')
    await c.close()
  })

  it('the auth token still reaches connect when "phoenix" is allowed; "phoenix" is answered', async () => {
    const c = await RawClient.open(url, ['phoenix', token('s3cr3t!')])
    assert.equal(c.ws.protocol, 'phoenix')
    assert.equal(connects.at(-1), 's3cr3t!')
    const j = c.join('room:1', { reply: true })
    assert.deepEqual((await c.reply(j))[4], { status: 'ok', response: { welcome: 's3cr3t!' } })
    await c.close()
  })

  it('a malformed or repeated auth token still gets 403', async () => {
    assert.equal(
      await refusedStatus(url, { protocols: ['phoenix', 'base64url.bearer.phx.A'] }),
      403,
    )
    const twice = `phoenix, ${token('a')}, ${token('b')}`
    assert.equal((await handshake(url, { protocol: twice })).status, 403)
  })
})

describe('subprotocols: configured without "phoenix"', () => {
  it('refuses phoenix.js with an auth token (the token entry never matches)', async (t) => {
    const { endpoint, wsUrl } = await startEndpoint({
      channels: [['room:*', RoomChannel]],
      websocket: { subprotocols: ['mqtt'] },
    })
    t.after(() => endpoint.close())
    const url = `${wsUrl}?vsn=2.0.0`
    assert.equal(await refusedStatus(url, { protocols: ['phoenix', token('t')] }), 403)
    assert.equal(
      (await handshake(url, { protocol: `phoenix, mqtt, ${token('t')}` })).protocol,
      'mqtt',
    )
  })

  it('rejects invalid subprotocol and compress options at definition time', () => {
    const endpoint = new Endpoint({ logger: captureLogger() })
    const isConfigError = (e: unknown): boolean =>
      e instanceof ServerError && e.code === 'INVALID_CONFIG'
    const socket = (websocket: unknown) => () =>
      endpoint.socket('/s', { channels: [], websocket: websocket as { compress: boolean } })
    assert.throws(socket({ subprotocols: 'mqtt' }), isConfigError)
    assert.throws(socket({ subprotocols: ['mq tt'] }), isConfigError)
    assert.throws(socket({ subprotocols: [''] }), isConfigError)
    assert.throws(socket({ compress: 'yes' }), isConfigError)
  })
})

describe('compress', () => {
  /** Opens a client (which offers permessage-deflate by default) and its TCP socket. */
  async function open(url: string): Promise<{ c: RawClient; tcp: Socket }> {
    const c = new RawClient(url)
    const tcp = await within(
      new Promise<Socket>((resolve, reject) => {
        c.ws.once('upgrade', (res) => resolve(res.socket))
        c.ws.once('error', reject)
      }),
      'upgrade',
    )
    if (c.ws.readyState !== c.ws.OPEN) {
      await within(new Promise((resolve) => c.ws.once('open', resolve)), 'open')
    }
    return { c, tcp }
  }

  /** Echoes a highly compressible 100 kB payload; returns the bytes the client received. */
  async function echoBig(c: RawClient, tcp: Socket): Promise<number> {
    const body = 'plume '.repeat(20_000)
    await c.reply(c.join('room:z'))
    const ref = c.nextRef()
    c.send(['1', ref, 'room:z', 'echo', { body }])
    assert.deepEqual((await c.reply(ref))[4], { status: 'ok', response: { body } })
    return tcp.bytesRead
  }

  for (const compress of [true, false]) {
    it(`compress: ${compress} ${compress ? 'negotiates' : 'declines'} permessage-deflate; messages round-trip`, async (t) => {
      const { endpoint, wsUrl } = await startEndpoint({
        channels: [['room:*', RoomChannel]],
        websocket: { compress, maxFrameSize: 1024 * 1024 },
      })
      t.after(() => endpoint.close())
      const { c, tcp } = await open(`${wsUrl}?vsn=2.0.0`)
      if (compress) assert.match(c.ws.extensions, /^permessage-deflate/)
      else assert.equal(c.ws.extensions, '')
      const received = await echoBig(c, tcp)
      // The reply carries 120 000 payload bytes: far fewer on the wire only when compressed.
      if (compress) assert.ok(received < 10_000, `received ${received} bytes`)
      else assert.ok(received > 120_000, `received ${received} bytes`)
      await c.close()
    })
  }
})
