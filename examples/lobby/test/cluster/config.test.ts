// The environment a cluster node reads (config.ts) and the adapter a PUBSUB_URL selects
// (pubsub-from-url.ts): defaults, every variable, and clear errors for unusable values.
import { describe, it } from 'node:test'
import assert from 'node:assert/strict'
import { silentLogger } from '@plume/pubsub'
import { RedisAdapter } from '@plume/pubsub-redis'
import { NatsAdapter } from '@plume/pubsub-nats'
import { ConfigError, readConfig } from '../../src/config.js'
import { adapterFromUrl } from '../../src/pubsub-from-url.js'

const base = { nodeName: 'a', logger: silentLogger }

describe('readConfig', () => {
  it('defaults to one in-memory node on 127.0.0.1:4000 with graceful permdown', () => {
    assert.deepEqual(readConfig({}), {
      port: 4000,
      host: '127.0.0.1',
      nodeName: 'lobby-4000',
      pubsubUrl: undefined,
      nodeTtlMs: undefined,
      reconnectMs: undefined,
      broadcastPeriod: 1500,
      downPeriod: undefined,
      permdownPeriod: undefined,
      permdownOnShutdown: true,
      phoenixTracker: false,
      coalesce: true,
      anyRoom: false,
      countOnly: false,
      logLevel: 'info',
      auth: { mode: 'params' },
    })
  })

  it('reads every variable', () => {
    const config = readConfig({
      PORT: '4001',
      HOST: '0.0.0.0',
      NODE_NAME: ' a ',
      PUBSUB_URL: 'redis://127.0.0.1:6379',
      PUBSUB_NODE_TTL_MS: '500',
      PUBSUB_RECONNECT_MS: '250',
      TRACKER_BROADCAST_PERIOD_MS: '100',
      TRACKER_DOWN_PERIOD_MS: '1000',
      TRACKER_PERMDOWN_PERIOD_MS: '5000',
      PERMDOWN_ON_SHUTDOWN: 'false',
      PRESENCE_COALESCE: 'false',
      TRACKER_PRESET: 'Phoenix',
      LOBBY_ROOMS: 'Any',
      LOBBY_COUNT_ONLY: 'true',
      LOG_LEVEL: 'WARN',
    })
    assert.deepEqual(config, {
      port: 4001,
      host: '0.0.0.0',
      nodeName: 'a',
      pubsubUrl: 'redis://127.0.0.1:6379',
      nodeTtlMs: 500,
      reconnectMs: 250,
      broadcastPeriod: 100,
      downPeriod: 1000,
      permdownPeriod: 5000,
      permdownOnShutdown: false,
      phoenixTracker: true,
      coalesce: false,
      anyRoom: true,
      countOnly: true,
      logLevel: 'warn',
      auth: { mode: 'params' },
    })
    const secret = 'x'.repeat(64)
    assert.deepEqual(readConfig({ LOBBY_AUTH: 'token', SECRET_KEY_BASE: secret }).auth, {
      mode: 'token',
      secret,
    })
  })

  it('rejects unusable values, naming the variable', () => {
    const cases: Array<[Record<string, string>, RegExp]> = [
      [{ PORT: '70000' }, /PORT must be an integer 0\.\.65535/],
      [{ PORT: '12abc' }, /PORT must be/],
      [{ PORT: '-1' }, /PORT must be/],
      [{ TRACKER_DOWN_PERIOD_MS: '1.5' }, /TRACKER_DOWN_PERIOD_MS must be a non-negative integer/],
      [{ TRACKER_BROADCAST_PERIOD_MS: '0' }, /TRACKER_BROADCAST_PERIOD_MS must be greater than 0/],
      [{ PERMDOWN_ON_SHUTDOWN: 'maybe' }, /PERMDOWN_ON_SHUTDOWN must be true or false/],
      [{ LOG_LEVEL: 'loud' }, /LOG_LEVEL must be one of/],
      [{ PRESENCE_COALESCE: 'sometimes' }, /PRESENCE_COALESCE must be true or false/],
      [{ LOBBY_AUTH: 'magic' }, /LOBBY_AUTH must be params or token/],
      [{ LOBBY_AUTH: 'token' }, /SECRET_KEY_BASE must be at least 64 bytes/],
      [{ LOBBY_AUTH: 'token', SECRET_KEY_BASE: 'short' }, /SECRET_KEY_BASE must be/],
      [{ TRACKER_PRESET: 'erlang' }, /TRACKER_PRESET must be default or phoenix/],
      [{ LOBBY_ROOMS: 'some' }, /LOBBY_ROOMS must be lobby or any/],
    ]
    for (const [env, message] of cases) {
      assert.throws(
        () => readConfig(env),
        (e: unknown) => e instanceof ConfigError && message.test(e.message),
      )
    }
  })
})

describe('adapterFromUrl', () => {
  it('uses the in-memory default without a URL', () => {
    assert.equal(adapterFromUrl(undefined, base), undefined)
  })

  it('maps redis:// and rediss:// to the Redis adapter, with the claim TTL', () => {
    for (const url of ['redis://:pw@127.0.0.1:6379/2', 'rediss://example.com:6380']) {
      const adapter = adapterFromUrl(url, { ...base, nodeTtlMs: 500, reconnectMs: 250 })
      assert.ok(adapter instanceof RedisAdapter)
      assert.equal(adapter.nodeName, 'a')
    }
  })

  it('maps nats:// (or a comma-separated cluster list) to the NATS adapter', () => {
    const adapter = adapterFromUrl('nats://10.0.0.1:4222, nats://10.0.0.2:4222', base)
    assert.ok(adapter instanceof NatsAdapter)
    assert.equal(adapter.nodeName, 'a')
  })

  it('rejects other schemes, mixed lists and non-URLs with a ConfigError', () => {
    for (const url of ['http://x', 'redis://a,nats://b', 'redis://a,redis://b', 'not a url']) {
      assert.throws(() => adapterFromUrl(url, base), ConfigError, url)
    }
  })
})
