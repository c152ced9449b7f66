// plume.pubsub.broker from the Redis adapter: each connection reports connected once up,
// disconnected when the broker dies, connected again after it restarts, and closed when
// the adapter closes.
import { after, before, describe, it } from 'node:test'
import assert from 'node:assert/strict'
import { brokerEvent, subscribeEvent, type BrokerEvent } from '@plume/pubsub'
import { RedisAdapter } from '@plume/pubsub-redis'
import { startBroker, waitFor, type Broker } from '@plume/testkit'
import { Inbox, RecordingLogger } from '@plume/testkit/pubsub'

void describe('RedisAdapter broker events', () => {
  let server: Broker
  const seen: BrokerEvent[] = []
  let stop: () => void = () => {}

  before(async () => {
    server = await startBroker('redis')
    stop = subscribeEvent(brokerEvent, (e) => {
      if (e.node === 'events-a') seen.push(e)
    })
  })
  after(async () => {
    stop()
    await server.stop()
  })

  const last = (role: string): string | undefined =>
    seen.filter((e) => e.role === role).at(-1)?.state

  void it('reports each connection up, down with the broker, up again, and closed at close', async () => {
    const adapter = new RedisAdapter({
      url: server.url,
      nodeName: 'events-a',
      prefix: 'events',
      logger: new RecordingLogger(),
      reconnect: { initialDelayMs: 20, maxDelayMs: 100 },
    })
    await adapter.start(new Inbox().deliver)
    for (const role of ['publisher', 'subscriber'])
      await waitFor(`${role} connected`, () => last(role) === 'connected')
    assert.ok(seen.every((e) => e.adapter === 'redis'))
    await server.kill()
    for (const role of ['publisher', 'subscriber'])
      await waitFor(`${role} disconnected`, () => last(role) === 'disconnected')
    await server.restart()
    for (const role of ['publisher', 'subscriber'])
      await waitFor(`${role} reconnected`, () => last(role) === 'connected')
    await adapter.close()
    for (const role of ['publisher', 'subscriber'])
      await waitFor(`${role} closed`, () => last(role) === 'closed')
  })
})
