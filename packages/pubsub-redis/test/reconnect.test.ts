// Broker restart: the redis-server is SIGKILLed and restarted on the same port (empty, as
// without persistence). Adapters must log the outage once, reconnect, resubscribe,
// re-take their node-name claims, and deliver again.
import { after, before, describe, it } from 'node:test'
import assert from 'node:assert/strict'
import { Redis } from 'ioredis'
import type { RemoteMessage } from '@plume/pubsub'
import { RedisAdapter } from '@plume/pubsub-redis'
import { RedisServer } from './support/redis-server.js'
import { Inbox, RecordingLogger } from './support/recorders.js'

void describe('RedisAdapter across a broker restart', () => {
  let server: RedisServer
  const logger = new RecordingLogger()
  let a: RedisAdapter
  let b: RedisAdapter
  const inbox = new Inbox()

  before(async () => {
    server = await RedisServer.start()
    const options = {
      url: server.url(),
      prefix: 'restart',
      logger,
      reconnect: { initialDelayMs: 20, maxDelayMs: 100 },
    }
    a = new RedisAdapter({ ...options, nodeName: 'a' })
    b = new RedisAdapter({ ...options, nodeName: 'b' })
    await a.start(new Inbox().deliver)
    await b.start(inbox.deliver)
  })
  after(async () => {
    await Promise.all([a.close(), b.close()])
    await server.stop()
  })

  void it('reconnects, resubscribes, reclaims its name and delivers again', async () => {
    await a.broadcast(probe(0))
    await inbox.topic('probe-0')

    await server.kill()
    await logger.line('warn', 'redis connection lost')
    // While down, a broadcast is dropped, not rejected and not queued.
    await a.broadcast(probe(-1))

    await server.restart()
    await logger.line('info', 'redis connection restored')
    await deliverEventually(a, inbox)
    assert.equal(inbox.items.filter((m) => m.topic === 'probe--1').length, 0)

    const check = new Redis(server.url())
    try {
      await untilExists(check, 'restart:node:a')
      await untilExists(check, 'restart:node:b')
    } finally {
      check.disconnect()
    }
    // One warning per connection and outage, however many retries happened.
    assert.ok(logger.count('warn', 'redis connection lost') <= 4)
    assert.equal(logger.count('error', ''), 0)
  })
})

const probe = (n: number): RemoteMessage => ({
  topic: `probe-${n}`,
  message: n,
  dispatcher: 'default',
})

// The subscriber may resubscribe a moment after the publisher is back, so probe until one
// arrives (bounded).
async function deliverEventually(from: RedisAdapter, to: Inbox): Promise<void> {
  for (let n = 1; n <= 50; n++) {
    await from.broadcast(probe(n))
    try {
      await to.topic(`probe-${n}`, 100)
      return
    } catch {
      // not yet resubscribed
    }
  }
  throw new Error('no delivery after the broker restart')
}

async function untilExists(redis: Redis, key: string): Promise<void> {
  for (let i = 0; i < 100; i++) {
    if ((await redis.exists(key)) === 1) return
    await new Promise((resolve) => setTimeout(resolve, 20))
  }
  throw new Error(`${key} was not re-created`)
}

void describe('RedisAdapter while the broker is down', () => {
  void it('still closes promptly', async () => {
    const server = await RedisServer.start()
    const logger = new RecordingLogger()
    const a = new RedisAdapter({ url: server.url(), nodeName: 'a', logger })
    try {
      await a.start(new Inbox().deliver)
      await server.kill()
      await logger.line('warn', 'redis connection lost')
      await a.close()
      await logger.line('warn', 'claim not released')
      await assert.rejects(a.broadcast(probe(1)), /closed/)
    } finally {
      await server.stop()
    }
  })
})
