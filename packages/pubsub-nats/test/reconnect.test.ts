// Broker restart: the nats-server is SIGKILLed and restarted on the same port. Adapters
// must log the outage once, let the client reconnect and resubscribe, and deliver again.
import { after, before, describe, it } from 'node:test'
import assert from 'node:assert/strict'
import type { RemoteMessage } from '@plume/pubsub'
import { NatsAdapter } from '@plume/pubsub-nats'
import { NatsServer } from './support/nats-server.js'
import { Inbox, RecordingLogger } from './support/recorders.js'

void describe('NatsAdapter across a broker restart', () => {
  let server: NatsServer
  const logger = new RecordingLogger()
  let a: NatsAdapter
  let b: NatsAdapter
  const inbox = new Inbox()

  before(async () => {
    server = await NatsServer.start()
    const options = {
      servers: server.url,
      prefix: 'restart',
      logger,
      claimTimeoutMs: 50,
      connectOptions: { reconnectTimeWait: 50, reconnectJitter: 0 },
    }
    a = new NatsAdapter({ ...options, nodeName: 'a' })
    b = new NatsAdapter({ ...options, nodeName: 'b' })
    await a.start(new Inbox().deliver)
    await b.start(inbox.deliver)
  })
  after(async () => {
    await Promise.all([a.close(), b.close()])
    await server.stop()
  })

  void it('reconnects, resubscribes and delivers again', async () => {
    await a.broadcast(probe(0))
    await inbox.topic('probe-0')

    await server.kill()
    await logger.line('warn', 'nats connection lost')
    await a.broadcast(probe(-1)) // dropped, not buffered for later
    await server.restart()
    await logger.line('info', 'nats connection restored')
    await deliverEventually(a, inbox)
    await b.directBroadcast('b', probe(1000))
    await inbox.topic('probe-1000')
    assert.equal(inbox.items.filter((m) => m.topic === 'probe--1').length, 0)

    // One warning per adapter and outage, however many reconnect attempts happened.
    assert.equal(logger.count('warn', 'nats connection lost'), 2)
    assert.equal(logger.count('error', ''), 0)
  })
})

const probe = (n: number): RemoteMessage => ({
  topic: `probe-${n}`,
  message: n,
  dispatcher: 'default',
})

// Resubscription may land a moment after the reconnect event, so probe until one arrives.
async function deliverEventually(from: NatsAdapter, to: Inbox): Promise<void> {
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

void describe('NatsAdapter while the broker is down', () => {
  void it('still closes promptly', async () => {
    const server = await NatsServer.start()
    const logger = new RecordingLogger()
    const a = new NatsAdapter({ servers: server.url, nodeName: 'a', logger, claimTimeoutMs: 20 })
    try {
      await a.start(new Inbox().deliver)
      await server.kill()
      await logger.line('warn', 'nats connection lost')
      await a.close()
      await assert.rejects(a.broadcast(probe(1)), /closed/)
    } finally {
      await server.stop()
    }
  })
})
