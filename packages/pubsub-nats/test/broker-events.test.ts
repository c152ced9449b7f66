// plume.pubsub.broker from the NATS adapter: connected once started, disconnected when the
// server dies, connected again after it restarts, and closed when the adapter closes.
import { after, before, describe, it } from 'node:test'
import assert from 'node:assert/strict'
import { brokerEvent, subscribeEvent, type BrokerEvent } from '@plume/pubsub'
import { NatsAdapter } from '@plume/pubsub-nats'
import { startBroker, waitFor, type Broker } from '@plume/testkit'
import { Inbox, RecordingLogger } from '@plume/testkit/pubsub'

void describe('NatsAdapter broker events', () => {
  let server: Broker
  const seen: BrokerEvent[] = []
  let stop: () => void = () => {}

  before(async () => {
    server = await startBroker('nats')
    stop = subscribeEvent(brokerEvent, (e) => {
      if (e.node === 'events-a') seen.push(e)
    })
  })
  after(async () => {
    stop()
    await server.stop()
  })

  const last = (): string | undefined => seen.at(-1)?.state

  void it('reports up, down with the server, up again, and closed at close', async () => {
    const adapter = new NatsAdapter({
      servers: [server.url],
      nodeName: 'events-a',
      prefix: 'events',
      logger: new RecordingLogger(),
      connectOptions: { reconnectTimeWait: 20 },
    })
    await adapter.start(new Inbox().deliver)
    await waitFor('connected', () => last() === 'connected')
    assert.deepEqual(seen[0], { node: 'events-a', adapter: 'nats', state: 'connected' })
    await server.kill()
    await waitFor('disconnected', () => last() === 'disconnected')
    await server.restart()
    await waitFor('reconnected', () => last() === 'connected', { timeoutMs: 10_000 })
    await adapter.close()
    await waitFor('closed', () => last() === 'closed')
  })
})
