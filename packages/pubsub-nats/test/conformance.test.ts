// The shared adapter conformance suite against a real nats-server (a private one on a free
// port). Each case gets its own subject prefix, so clusters never see each other's traffic.
import { after, before, describe } from 'node:test'
import assert from 'node:assert/strict'
import { randomUUID } from 'node:crypto'
import { runAdapterConformance } from '@plume/pubsub/testing'
import { NatsAdapter } from '@plume/pubsub-nats'
import { startBroker, type Broker } from '@plume/testkit'
import { RecordingLogger } from '@plume/testkit/pubsub'

void describe('NatsAdapter conformance', () => {
  let server: Broker
  before(async () => {
    server = await startBroker('nats')
  })
  after(async () => {
    await server.stop()
  })

  runAdapterConformance('NatsAdapter', async () => {
    const prefix = `conf-${randomUUID()}`
    const logger = new RecordingLogger()
    const make = (nodeName: string): NatsAdapter =>
      new NatsAdapter({ servers: server.url, nodeName, prefix, logger, claimTimeoutMs: 30 })
    const teardown = async (): Promise<void> => {
      assert.deepEqual(logger.problems(), [], 'the adapters logged warnings or errors')
    }
    return { adapters: [make('a'), make('b'), make('c')], teardown }
  })
})
