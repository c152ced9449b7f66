// Broker restart: the nats-server is SIGKILLed and restarted on the same port. Adapters
// must log the outage once, let the client reconnect and resubscribe, and deliver again.
import { after, before, describe, it } from 'node:test'
import assert from 'node:assert/strict'
import { NatsAdapter } from '@plume/pubsub-nats'
import { startBroker, type Broker } from '@plume/testkit'
import { brokerOutage, closeWhileDown, Inbox, probe, RecordingLogger } from '@plume/testkit/pubsub'

void describe('NatsAdapter across a broker restart', () => {
  let server: Broker
  const logger = new RecordingLogger()
  let a: NatsAdapter
  let b: NatsAdapter
  const inbox = new Inbox()

  before(async () => {
    server = await startBroker('nats')
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
    await brokerOutage({ broker: server, from: a, inbox, logger, label: 'nats' })
    await b.directBroadcast('b', probe(1000))
    await inbox.topic('probe-1000')
    assert.equal(inbox.items.filter((m) => m.topic === 'probe--1').length, 0)

    // One warning per adapter and outage, however many reconnect attempts happened.
    assert.equal(logger.count('warn', 'nats connection lost'), 2)
    assert.equal(logger.count('error', ''), 0)
  })
})

void describe('NatsAdapter while the broker is down', () => {
  void it('still closes promptly', async () => {
    const server = await startBroker('nats')
    const logger = new RecordingLogger()
    const adapter = new NatsAdapter({
      servers: server.url,
      nodeName: 'a',
      logger,
      claimTimeoutMs: 20,
    })
    try {
      await closeWhileDown({ broker: server, adapter, logger, label: 'nats' })
    } finally {
      await server.stop()
    }
  })
})
