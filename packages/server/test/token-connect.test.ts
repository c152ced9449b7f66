// The production auth path end to end: `connect` verifies a signed token carried by the
// WebSocket auth subprotocol (phoenix.js's authToken) or the long-poll x-phoenix-authtoken
// header, and refuses expired, tampered and foreign-salt tokens.
import assert from 'node:assert/strict'
import { after, before, describe, it } from 'node:test'
import { signToken, verifyToken, type Endpoint } from '@plume/server'
import { RoomChannel } from './fixtures.js'
import { RawClient, refusedStatus, startEndpoint } from './helpers.js'

const SECRET = 's'.repeat(64)
const SALT = 'user socket'
const HOUR = 3_600_000

const subprotocol = (t: string): string =>
  `base64url.bearer.phx.${Buffer.from(t).toString('base64').replace(/=/g, '')}`

describe('connect verifies signed tokens', () => {
  let endpoint: Endpoint
  let url: string
  let wsUrl: string
  before(async () => {
    ;({ endpoint, url, wsUrl } = await startEndpoint({
      connect: (_params, info) => {
        const r = verifyToken<{ user_id: string }>(SECRET, SALT, info.authToken, { maxAge: 3600 })
        return r.ok ? { user: r.data.user_id } : false
      },
      channels: [['room:*', RoomChannel]],
      longpoll: true,
    }))
    wsUrl = `${wsUrl}?vsn=2.0.0`
  })
  after(() => endpoint.close())

  // Long-poll answers in the body: 410 with a session token when connect accepts, 403 when not.
  const lpStatus = async (token: string | undefined): Promise<number> => {
    const headers: Record<string, string> =
      token === undefined ? {} : { 'x-phoenix-authtoken': token }
    const res = await fetch(`${url}/socket/longpoll?vsn=2.0.0`, { headers })
    return ((await res.json()) as { status: number }).status
  }

  it('accepts a fresh token over the WebSocket subprotocol and the long-poll header', async () => {
    const token = signToken(SECRET, SALT, { user_id: 'ana' })
    const c = await RawClient.open(wsUrl, ['phoenix', subprotocol(token)])
    await c.close()
    assert.equal(await lpStatus(token), 410)
  })

  it('refuses expired, tampered, foreign-salt and missing tokens with 403', async () => {
    const bad = [
      signToken(SECRET, SALT, { user_id: 'ana' }, { signedAt: Date.now() - 2 * HOUR }),
      signToken(SECRET, SALT, { user_id: 'ana' }).replace(/.$/, (c) => (c === 'A' ? 'B' : 'A')),
      signToken(SECRET, 'password reset', { user_id: 'ana' }),
    ]
    for (const token of bad) {
      assert.equal(await refusedStatus(wsUrl, { protocols: ['phoenix', subprotocol(token)] }), 403)
      assert.equal(await lpStatus(token), 403)
    }
    assert.equal(await refusedStatus(wsUrl), 403)
    assert.equal(await lpStatus(undefined), 403)
  })
})
