// The lobby's production auth path (LOBBY_AUTH=token): the page's token from GET /token
// gets it in, a bare user_id or a forged token does not, and the user shown in presence
// is the one the server signed for.
import assert from 'node:assert/strict'
import { after, before, describe, it } from 'node:test'
import { within } from '@plume/testkit'
import { PubSub, silentLogger } from '@plume/pubsub'
import { WebSocket } from 'ws'
import { createLobby, type Lobby } from '../src/lobby.js'
import { PUBLIC_DIR } from './lobby-support.js'

const SECRET = 'lobby-test-secret-'.repeat(4)

/** Opens a socket with `query`, joins room:lobby and resolves with its own presence_diff's joins, or the HTTP refusal. */
function joinWith(url: string, query: string): Promise<Record<string, unknown> | number> {
  const ws = new WebSocket(`${url.replace('http', 'ws')}/socket/websocket?vsn=2.0.0&${query}`)
  const result = new Promise<Record<string, unknown> | number>((resolve, reject) => {
    ws.once('unexpected-response', (_req, res) => resolve(res.statusCode ?? 0))
    ws.once('error', reject)
    ws.once('open', () => ws.send(JSON.stringify(['1', '1', 'room:lobby', 'phx_join', {}])))
    ws.on('message', (data: Buffer) => {
      const [, , , event, payload] = JSON.parse(data.toString()) as [
        unknown,
        unknown,
        string,
        string,
        Record<string, unknown>,
      ]
      if (event === 'presence_diff') resolve(payload['joins'] as Record<string, unknown>)
    })
  })
  return within(result, `join with ${query}`).finally(() => ws.terminate())
}

describe('lobby with LOBBY_AUTH=token', () => {
  let lobby: Lobby
  let url: string
  before(async () => {
    lobby = createLobby({
      pubsub: new PubSub({ logger: silentLogger }),
      publicDir: PUBLIC_DIR,
      logger: silentLogger,
      auth: { mode: 'token', secret: SECRET },
    })
    url = `http://127.0.0.1:${await lobby.listen(0, '127.0.0.1')}`
  })
  after(() => lobby.close())

  const mint = async (name: string): Promise<Response> =>
    fetch(`${url}/token?name=${encodeURIComponent(name)}`)

  it('mints a token at /token and connect accepts it as that user', async () => {
    const res = await mint('ana')
    assert.equal(res.status, 200)
    const { token } = (await res.json()) as { token: string }
    const joins = await joinWith(url, `token=${token}`)
    assert.ok(typeof joins === 'object', 'accepted')
    assert.deepEqual(Object.keys(joins), ['ana'])
  })

  it('refuses a bare user_id, a tampered token and no token with 403', async () => {
    const { token } = (await (await mint('bob')).json()) as { token: string }
    const tampered = token.replace(/^./, (c) => (c === 'e' ? 'f' : 'e'))
    assert.equal(await joinWith(url, 'user_id=mallory'), 403)
    assert.equal(await joinWith(url, `token=${tampered}`), 403)
    assert.equal(await joinWith(url, ''), 403)
  })

  it('answers 400 to /token without a usable name', async () => {
    assert.equal((await mint('')).status, 400)
    assert.equal((await mint('x'.repeat(65))).status, 400)
  })
})

describe('lobby in the default params mode', () => {
  it('has no /token endpoint, so the page falls back to user_id', async () => {
    const lobby = createLobby({
      pubsub: new PubSub({ logger: silentLogger }),
      publicDir: PUBLIC_DIR,
      logger: silentLogger,
    })
    const url = `http://127.0.0.1:${await lobby.listen(0, '127.0.0.1')}`
    try {
      assert.equal((await fetch(`${url}/token?name=ana`)).status, 404)
      const joins = await joinWith(url, 'user_id=ana')
      assert.ok(typeof joins === 'object')
      assert.deepEqual(Object.keys(joins), ['ana'])
    } finally {
      await lobby.close()
    }
  })
})
