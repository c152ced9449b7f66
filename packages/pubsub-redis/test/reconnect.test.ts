// Broker restart: the redis-server is SIGKILLed and restarted on the same port (empty, as
// without persistence). Adapters must log the outage once, reconnect, resubscribe,
// re-take their node-name claims, and deliver again.
import { after, before, describe, it } from 'node:test'
import assert from 'node:assert/strict'
import { Redis } from 'ioredis'
import { RedisAdapter } from '@plume/pubsub-redis'
import { startBroker, waitFor, type Broker } from '@plume/testkit'
import { brokerOutage, closeWhileDown, Inbox, RecordingLogger } from '@plume/testkit/pubsub'

void describe('RedisAdapter across a broker restart', () => {
  let server: Broker
  const logger = new RecordingLogger()
  let a: RedisAdapter
  let b: RedisAdapter
  const inbox = new Inbox()

  before(async () => {
    server = await startBroker('redis')
    const options = {
      url: server.url,
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
    await brokerOutage({ broker: server, from: a, inbox, logger, label: 'redis' })

    const check = new Redis(server.url)
    try {
      for (const key of ['restart:node:a', 'restart:node:b']) {
        const exists = async (): Promise<boolean> => (await check.exists(key)) === 1
        await waitFor(`${key} to be re-created`, exists, { timeoutMs: 2000, intervalMs: 20 })
      }
    } finally {
      check.disconnect()
    }
    // One warning per connection and outage, however many retries happened.
    assert.ok(logger.count('warn', 'redis connection lost') <= 4)
    assert.equal(logger.count('error', ''), 0)
  })
})

void describe('RedisAdapter while the broker is down', () => {
  void it('still closes promptly', async () => {
    const server = await startBroker('redis')
    const logger = new RecordingLogger()
    const adapter = new RedisAdapter({ url: server.url, nodeName: 'a', logger })
    try {
      await closeWhileDown({ broker: server, adapter, logger, label: 'redis' })
      await logger.line('warn', 'claim not released')
    } finally {
      await server.stop()
    }
  })
})
