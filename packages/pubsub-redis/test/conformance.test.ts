// The shared adapter conformance suite against a real redis-server (a private one on a
// free port). Each case gets its own prefix, so clusters never see each other's traffic.
import { after, before, describe } from 'node:test'
import { randomUUID } from 'node:crypto'
import assert from 'node:assert/strict'
import { runAdapterConformance } from '@plume/pubsub/testing'
import { RedisAdapter } from '@plume/pubsub-redis'
import { startBroker, type Broker } from '@plume/testkit'
import { RecordingLogger } from '@plume/testkit/pubsub'

void describe('RedisAdapter conformance', () => {
  let server: Broker
  before(async () => {
    server = await startBroker('redis')
  })
  after(async () => {
    await server.stop()
  })

  runAdapterConformance('RedisAdapter', async () => {
    const prefix = `conf-${randomUUID()}`
    const logger = new RecordingLogger()
    const make = (nodeName: string): RedisAdapter =>
      new RedisAdapter({ url: server.url, nodeName, prefix, logger })
    const teardown = async (): Promise<void> => {
      assert.deepEqual(logger.problems(), [], 'the adapters logged warnings or errors')
    }
    return { adapters: [make('a'), make('b'), make('c')], teardown }
  })
})
