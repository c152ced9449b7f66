// RedisAdapter behaviour beyond the shared conformance suite: node-name claims, auth and
// db URLs, malformed traffic, binary payloads, lifecycle errors. Runs a private redis-server.
import { after, before, describe, it } from 'node:test'
import assert from 'node:assert/strict'
import { randomUUID } from 'node:crypto'
import { Redis } from 'ioredis'
import { PubSubError, silentLogger } from '@plume/pubsub'
import type { RemoteMessage } from '@plume/pubsub'
import { RedisAdapter } from '@plume/pubsub-redis'
import type { RedisAdapterOptions } from '@plume/pubsub-redis'
import { RedisServer } from './support/redis-server.js'
import { Inbox, RecordingLogger } from './support/recorders.js'

const msg = (topic: string, message: unknown = { n: 1 }): RemoteMessage => ({
  topic,
  message,
  dispatcher: 'default',
})

function isCode(code: string): (error: unknown) => boolean {
  return (error) => error instanceof PubSubError && error.code === code
}

void describe('RedisAdapter', () => {
  let server: RedisServer
  let raw: Redis
  const open: RedisAdapter[] = []
  const adapter = (options: Omit<RedisAdapterOptions, 'url'> & { url?: string }): RedisAdapter => {
    const created = new RedisAdapter({ url: server.url(), logger: silentLogger, ...options })
    open.push(created)
    return created
  }

  before(async () => {
    server = await RedisServer.start()
    raw = new Redis(server.url())
  })
  after(async () => {
    await Promise.all(open.map((a) => a.close()))
    raw.disconnect()
    await server.stop()
  })

  void describe('duplicate node names', () => {
    void it('refuses a second live node with the same name, with a clear message', async () => {
      const prefix = `dup-${randomUUID()}`
      const first = adapter({ nodeName: 'web-1', prefix })
      const firstInbox = new Inbox()
      await first.start(firstInbox.deliver)
      const second = adapter({ nodeName: 'web-1', prefix })
      await assert.rejects(second.start(new Inbox().deliver), (error: unknown) => {
        assert.ok(isCode('DUPLICATE_NODE')(error))
        assert.match((error as Error).message, /node name "web-1" is already used by a live node/)
        assert.match((error as Error).message, /unique nodeName/)
        return true
      })
      // The refused node left the live one intact.
      const other = adapter({ nodeName: 'web-2', prefix })
      await other.start(new Inbox().deliver)
      await other.broadcast(msg('still-works'))
      await firstInbox.topic('still-works')
    })

    void it('allows the name again once the holder closed', async () => {
      const prefix = `dup-${randomUUID()}`
      const first = adapter({ nodeName: 'web-1', prefix })
      await first.start(new Inbox().deliver)
      const second = adapter({ nodeName: 'web-1', prefix })
      await assert.rejects(second.start(new Inbox().deliver), isCode('DUPLICATE_NODE'))
      await first.close()
      assert.equal(await raw.exists(`${prefix}:node:web-1`), 0)
      await second.start(new Inbox().deliver) // a refused start can be retried
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
      await untilKeyGone(raw, `${prefix}:node:ghost`)
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
    void it('carries binary payloads byte-exact', async () => {
      const prefix = `bin-${randomUUID()}`
      const a = adapter({ nodeName: 'a', prefix })
      const b = adapter({ nodeName: 'b', prefix })
      const inbox = new Inbox()
      await a.start(new Inbox().deliver)
      await b.start(inbox.deliver)
      const bytes = Uint8Array.from({ length: 512 }, (_, i) => (i * 7) % 256)
      await a.broadcast(msg('bin', { bytes, nested: [new Uint8Array([0, 255, 10, 13])] }))
      const got = await inbox.topic('bin')
      const message = got.message as { bytes: unknown; nested: unknown[] }
      assert.ok(message.bytes instanceof Uint8Array)
      assert.deepEqual(Array.from(message.bytes), Array.from(bytes))
      assert.deepEqual(Array.from(message.nested[0] as Uint8Array), [0, 255, 10, 13])
    })

    void it('logs and drops malformed messages, then keeps delivering', async () => {
      const prefix = `bad-${randomUUID()}`
      const logger = new RecordingLogger()
      const a = adapter({ nodeName: 'a', prefix, logger })
      const inbox = new Inbox()
      await a.start(inbox.deliver)
      const junk = ['not json', '{"v":2}', '[]', '{"v":1,"mode":"all","node":"x"}', '\u0000\uffff']
      for (const text of junk) await raw.publish(a.channel, text)
      const b = adapter({ nodeName: 'b', prefix })
      await b.start(new Inbox().deliver)
      await b.broadcast(msg('after-junk'))
      await inbox.topic('after-junk')
      assert.equal(logger.count('warn', 'malformed'), junk.length)
      assert.deepEqual(
        inbox.items.map((m) => m.topic),
        ['after-junk'],
      )
    })

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

    void it('rejects messages that cannot travel with BAD_MESSAGE', async () => {
      const a = adapter({ nodeName: 'a', prefix: `bm-${randomUUID()}` })
      await a.start(new Inbox().deliver)
      await assert.rejects(a.broadcast(msg('t', { n: 10n })), isCode('BAD_MESSAGE'))
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
    void it('rejects use before start and after close', async () => {
      const a = adapter({ nodeName: 'a', prefix: `lc-${randomUUID()}` })
      await assert.rejects(a.broadcast(msg('t')), isCode('NOT_STARTED'))
      await a.start(new Inbox().deliver)
      await assert.rejects(a.start(new Inbox().deliver), isCode('ALREADY_STARTED'))
      await a.close()
      await a.close()
      await assert.rejects(a.directBroadcast('a', msg('t')), isCode('CLOSED'))
      await assert.rejects(a.start(new Inbox().deliver), isCode('CLOSED'))
    })

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
      const dead = await RedisServer.start()
      const url = dead.url()
      await dead.stop()
      const a = adapter({ nodeName: 'a', url, reconnect: { initialDelayMs: 10 } })
      await assert.rejects(a.start(new Inbox().deliver), /ECONNREFUSED/)
    })
  })
})

void describe('RedisAdapter with a password and a db number', () => {
  let server: RedisServer
  const password = 'p@ss:w/rd'

  before(async () => {
    server = await RedisServer.start({ password })
  })
  after(async () => {
    await server.stop()
  })

  void it('connects with credentials in the URL and keeps its keys in that db', async () => {
    const prefix = `auth-${randomUUID()}`
    const a = new RedisAdapter({ url: server.url(3), nodeName: 'a', prefix, logger: silentLogger })
    const b = new RedisAdapter({ url: server.url(3), nodeName: 'b', prefix, logger: silentLogger })
    const inbox = new Inbox()
    const check = new Redis(server.url(3))
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
    const url = server.url().replace(encodeURIComponent(password), 'wrong')
    const a = new RedisAdapter({ url, nodeName: 'a', logger: silentLogger })
    try {
      await assert.rejects(a.start(new Inbox().deliver), /WRONGPASS|NOAUTH|invalid/i)
    } finally {
      await a.close()
    }
  })
})

async function untilKeyGone(redis: Redis, key: string): Promise<void> {
  for (let i = 0; i < 100; i++) {
    if ((await redis.exists(key)) === 0) return
    await new Promise((resolve) => setTimeout(resolve, 20))
  }
  throw new Error(`${key} never expired`)
}
