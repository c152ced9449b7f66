// The lobby's operations surface: /metrics on by default (scraped after a phoenix.js client
// joins), the dashboard only with a token check, and the LOG_FORMAT / METRICS /
// DASHBOARD_TOKEN variables with clear errors for unusable values.
import assert from 'node:assert/strict'
import { join } from 'node:path'
import { after, before, describe, it } from 'node:test'
import { PubSub, silentLogger } from '@plume/pubsub'
import { ConfigError } from '../src/config.js'
import { createLobby, type Lobby } from '../src/lobby.js'
import { readOpsConfig, tokenCheck } from '../src/ops-config.js'
import { Client, PUBLIC_DIR, startLobby, waitForCounts, type LobbyNode } from './lobby-support.js'

describe('lobby /metrics', () => {
  let node: LobbyNode
  let client: Client

  before(async () => {
    node = await startLobby()
  })

  after(async () => {
    await client?.dispose()
    await node.lobby.close()
  })

  it('is served by default and counts the lobby’s connections and presences', async () => {
    client = new Client(node.url, 'alice')
    await waitForCounts(client, { alice: 1 }, 'alice sees herself')
    const res = await fetch(`${node.url}/metrics`)
    assert.equal(res.status, 200)
    const text = await res.text()
    assert.match(text, /^plume_connections\{transport="websocket"\} 1$/m)
    assert.match(text, /^plume_topic_presences\{topic="room:lobby"\} 1$/m)
    assert.match(text, /^nodejs_eventloop_lag_p99_seconds /m)
  })

  it('leaves the dashboard off unless a check is configured', async () => {
    assert.equal((await fetch(`${node.url}/dashboard/`)).status, 404)
  })
})

describe('lobby dashboard', () => {
  const token = 'a-long-enough-token'
  let lobby: Lobby
  let url: string

  before(async () => {
    lobby = createLobby({
      pubsub: new PubSub({ logger: silentLogger }),
      publicDir: PUBLIC_DIR,
      logger: silentLogger,
      metrics: false,
      dashboard: tokenCheck(token),
      // Any file stands in for the client bundle: this suite checks the gate; the page
      // itself is tested in Chromium by @plume/ops.
      clientBundle: join(PUBLIC_DIR, 'app.js'),
    })
    url = `http://127.0.0.1:${await lobby.listen(0, '127.0.0.1')}`
  })

  after(() => lobby.close())

  it('asks for the token, and METRICS=false turns /metrics off', async () => {
    assert.equal((await fetch(`${url}/dashboard/`)).status, 403)
    assert.equal((await fetch(`${url}/dashboard/?token=wrong`)).status, 403)
    const page = await fetch(`${url}/dashboard/?token=${token}`)
    assert.equal(page.status, 200)
    assert.match(await page.text(), /<title>Plume dashboard<\/title>/)
    assert.equal((await fetch(`${url}/metrics`)).status, 404)
  })
})

describe('readOpsConfig', () => {
  it('defaults to text logs, metrics on, no dashboard', () => {
    assert.deepEqual(readOpsConfig({}), {
      logFormat: 'text',
      metrics: true,
      dashboardToken: undefined,
    })
  })

  it('reads LOG_FORMAT, METRICS and DASHBOARD_TOKEN', () => {
    const env = { LOG_FORMAT: 'JSON', METRICS: 'false', DASHBOARD_TOKEN: ' 0123456789abcdef ' }
    assert.deepEqual(readOpsConfig(env), {
      logFormat: 'json',
      metrics: false,
      dashboardToken: '0123456789abcdef',
    })
  })

  it('rejects unusable values, naming the variable', () => {
    const cases: Array<[Record<string, string>, RegExp]> = [
      [{ LOG_FORMAT: 'xml' }, /^LOG_FORMAT must be text or json, got "xml"$/],
      [{ METRICS: 'maybe' }, /^METRICS must be true or false/],
      [{ DASHBOARD_TOKEN: 'short' }, /^DASHBOARD_TOKEN must be at least 16 characters/],
    ]
    for (const [env, message] of cases) {
      assert.throws(
        () => readOpsConfig(env),
        (e: unknown) => e instanceof ConfigError && message.test(e.message),
      )
    }
  })
})
