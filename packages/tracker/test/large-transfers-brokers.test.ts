// A transfer of 100,000 presences to a node that joins, over a real redis-server and a real
// nats-server (private ones on free ports). The NATS server runs with a 256 KiB max_payload,
// which the adapter reads from the server, so the state goes out in many parts.
import assert from 'node:assert/strict'
import { mkdtempSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { randomUUID } from 'node:crypto'
import { after, before, describe, it } from 'node:test'
import { PubSub, silentLogger } from '@plume/pubsub'
import type { Adapter } from '@plume/pubsub'
import { NatsAdapter } from '@plume/pubsub-nats'
import { RedisAdapter } from '@plume/pubsub-redis'
import { startBroker, waitFor, type Broker } from '@plume/testkit'
import { Tracker } from '@plume/tracker'

const COUNT = 100_000
const NATS_PAYLOAD = 256 * 1024

async function transfer(make: (node: string) => Adapter, started = (): void => {}): Promise<void> {
  const nodes: Array<{ pubsub: PubSub; tracker: Tracker }> = []
  const add = async (name: string): Promise<Tracker> => {
    const pubsub = new PubSub({ adapter: make(name), logger: silentLogger })
    const tracker = new Tracker({ pubsub, logger: silentLogger })
    await tracker.start()
    nodes.push({ pubsub, tracker })
    return tracker
  }
  try {
    const a = await add('a')
    for (let i = 0; i < COUNT; i++) a.track(`conn-${i}`, 'room', `user-${i}`, { online_at: i })
    const b = await add('b')
    started()
    await waitFor('b holds every presence of a', () => b.count('room') === COUNT, {
      timeoutMs: 60_000,
      intervalMs: 100,
      describe: () => b.count('room'),
    })
  } finally {
    for (const { tracker, pubsub } of nodes) {
      await tracker.stop()
      await pubsub.close()
    }
  }
}

describe('a transfer of 100,000 presences', () => {
  let redis: Broker
  let nats: Broker
  before(async () => {
    const dir = mkdtempSync(join(tmpdir(), 'plume-nats-'))
    const config = join(dir, 'nats.conf')
    writeFileSync(config, `max_payload: ${NATS_PAYLOAD}\n`)
    ;[redis, nats] = await Promise.all([
      startBroker('redis'),
      startBroker('nats', { args: ['-c', config] }),
    ])
  })
  after(async () => {
    await Promise.all([redis.stop(), nats.stop()])
  })

  it('completes over Redis, split under its 1 MiB default', async () => {
    const prefix = `transfer-${randomUUID()}`
    await transfer(
      (nodeName) => new RedisAdapter({ url: redis.url, nodeName, prefix, logger: silentLogger }),
    )
  })

  it('completes over NATS, split under the max_payload the server announces', async () => {
    const prefix = `transfer-${randomUUID()}`.replaceAll('-', '_')
    const limits: number[] = []
    const adapters: NatsAdapter[] = []
    const make = (nodeName: string): NatsAdapter => {
      const adapter = new NatsAdapter({ servers: nats.url, nodeName, prefix, logger: silentLogger })
      adapters.push(adapter)
      return adapter
    }
    await transfer(make, () => limits.push(...adapters.map((x) => x.maxMessageBytes)))
    assert.deepEqual(limits, [NATS_PAYLOAD, NATS_PAYLOAD])
  })
})
