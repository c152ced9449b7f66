// RedisAdapter behaviour beyond the conformance suite: the broker-adapter scenarios shared
// with NATS (@plume/testkit/pubsub), then Redis specifics: claim TTLs, auth and db URLs,
// prefixes, odd node names, option checks. Runs a private redis-server.
import { after, before, describe, it } from 'node:test'
import assert from 'node:assert/strict'
import { randomUUID } from 'node:crypto'
import { Redis } from 'ioredis'
import { silentLogger } from '@plume/pubsub'
import { RedisAdapter } from '@plume/pubsub-redis'
import type { RedisAdapterOptions } from '@plume/pubsub-redis'
import { startBroker, waitFor, type Broker } from '@plume/testkit'
import { adapterScenarios, Inbox, isCode, msg } from '@plume/testkit/pubsub'

void describe('RedisAdapter', () => {
  let server: Broker
  let raw: Redis
  const open: RedisAdapter[] = []
  const adapter = (options: Omit<RedisAdapterOptions, 'url'> & { url?: string }): RedisAdapter => {
    const created = new RedisAdapter({ url: server.url, logger: silentLogger, ...options })
    open.push(created)
    return created
  }

  before(async () => {
    server = await startBroker('redis')
    raw = new Redis(server.url)
  })
  after(async () => {
    await Promise.all(open.map((a) => a.close()))
    raw.disconnect()
    await server.stop()
  })

  adapterScenarios({
    adapter,
    injectJunk: async (target) => {
      const junk = ['not json', '{"v":2}', '[]', '{"v":1,"mode":"all","node":"x"}', '\u0000\uffff']
      for (const text of junk) await raw.publish(target.channel, text)
      return junk.length
    },
  })

  void describe('duplicate node names', () => {
    void it('deletes its claim key on close', async () => {
      const key = `dup-${randomUUID()}:node:web-1`
      const holder = adapter({ nodeName: 'web-1', prefix: key.replace(/:node:web-1$/, '') })
      await holder.start(new Inbox().deliver)
      assert.equal(await raw.exists(key), 1)
      await holder.close()
      assert.equal(await raw.exists(key), 0)
    })

    void it('claims with a TTL so a killed node frees its name by expiry', async () => {
      const prefix = `dup-${randomUUID()}`
      const live = adapter({ nodeName: 'n', prefix, claimTtlMs: 4000 })
      await live.start(new Inbox().deliver)
      const ttl = await raw.pttl(`${prefix}:node:n`)
      assert.ok(ttl > 0 && ttl <= 4000, `claim TTL ${ttl}`)

      // A kill -9'd holder leaves its key behind until it expires.
      await raw.set(`${prefix}:node:ghost`, 'dead-instance', 'PX', 150)
      const next = adapter({ nodeName: 'ghost', prefix })
      await assert.rejects(next.start(new Inbox().deliver), isCode('DUPLICATE_NODE'))
      const gone = async (): Promise<boolean> => (await raw.exists(`${prefix}:node:ghost`)) === 0
      await waitFor('the ghost claim to expire', gone, { timeoutMs: 2000, intervalMs: 20 })
      await next.start(new Inbox().deliver)
    })

    void it('does not delete a claim held by another instance on close', async () => {
      const prefix = `dup-${randomUUID()}`
      const holder = adapter({ nodeName: 'n', prefix })
      await holder.start(new Inbox().deliver)
      const refused = adapter({ nodeName: 'n', prefix })
      await assert.rejects(refused.start(new Inbox().deliver), isCode('DUPLICATE_NODE'))
      await refused.close()
      assert.equal(await raw.exists(`${prefix}:node:n`), 1)
    })
  })

  void describe('messages', () => {
    void it('accepts node names with spaces, newlines and non-ASCII characters', async () => {
      const prefix = `names-${randomUUID()}`
      const name = 'web 1\n:é*'
      const a = adapter({ nodeName: 'a', prefix })
      const odd = adapter({ nodeName: name, prefix })
      const inbox = new Inbox()
      await Promise.all([a.start(new Inbox().deliver), odd.start(inbox.deliver)])
      await a.directBroadcast(name, msg('room:lobby'))
      await inbox.topic('room:lobby')
    })

    void it('keeps prefixes apart', async () => {
      const a = adapter({ nodeName: 'a', prefix: `p1-${randomUUID()}` })
      const b = adapter({ nodeName: 'b', prefix: `p2-${randomUUID()}` })
      const c = adapter({ nodeName: 'c', prefix: b.channel.replace(/:pubsub$/, '') })
      const inboxB = new Inbox()
      await Promise.all([
        a.start(new Inbox().deliver),
        b.start(inboxB.deliver),
        c.start(new Inbox().deliver),
      ])
      await a.broadcast(msg('other-prefix'))
      await c.broadcast(msg('same-prefix'))
      await inboxB.topic('same-prefix')
      assert.deepEqual(
        inboxB.items.map((m) => m.topic),
        ['same-prefix'],
      )
    })
  })

  void describe('lifecycle', () => {
    void it('validates options up front', () => {
      const bad: unknown[] = [
        { nodeName: '' },
        { nodeName: 'x', claimTtlMs: 0 },
        { nodeName: 'x', claimTtlMs: 1000, claimRefreshMs: 1000 },
        { nodeName: 'x', prefix: '' },
        { nodeName: 'x', reconnect: { initialDelayMs: Number.NaN } },
      ]
      for (const options of bad) {
        assert.throws(
          () => new RedisAdapter(options as RedisAdapterOptions),
          isCode('INVALID_ARGUMENT'),
        )
      }
    })

    void it('fails start when the server is unreachable, without leaking retries', async () => {
      const dead = await startBroker('redis')
      const url = dead.url
      await dead.stop()
      const a = adapter({ nodeName: 'a', url, reconnect: { initialDelayMs: 10 } })
      await assert.rejects(a.start(new Inbox().deliver), /ECONNREFUSED/)
    })
  })
})

void describe('RedisAdapter with a password and a db number', () => {
  let server: Broker
  const password = 'p@ss:w/rd'

  before(async () => {
    server = await startBroker('redis', { password })
  })
  after(async () => {
    await server.stop()
  })

  void it('connects with credentials in the URL and keeps its keys in that db', async () => {
    const prefix = `auth-${randomUUID()}`
    const a = new RedisAdapter({
      url: server.dbUrl(3),
      nodeName: 'a',
      prefix,
      logger: silentLogger,
    })
    const b = new RedisAdapter({
      url: server.dbUrl(3),
      nodeName: 'b',
      prefix,
      logger: silentLogger,
    })
    const inbox = new Inbox()
    const check = new Redis(server.dbUrl(3))
    try {
      await a.start(new Inbox().deliver)
      await b.start(inbox.deliver)
      await a.directBroadcast('b', msg('authed'))
      await inbox.topic('authed')
      assert.equal(await check.exists(`${prefix}:node:a`), 1)
      await check.select(0)
      assert.equal(await check.exists(`${prefix}:node:a`), 0)
    } finally {
      check.disconnect()
      await Promise.all([a.close(), b.close()])
    }
  })

  void it('fails start with the server error on a wrong password', async () => {
    const url = server.url.replace(encodeURIComponent(password), 'wrong')
    const a = new RedisAdapter({ url, nodeName: 'a', logger: silentLogger })
    try {
      await assert.rejects(a.start(new Inbox().deliver), /WRONGPASS|NOAUTH|invalid/i)
    } finally {
      await a.close()
    }
  })
})
