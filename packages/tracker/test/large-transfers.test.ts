// State transfers larger than the adapter's message limit go out in parts and are put back
// together; a lost part is survived, because the joining node asks again. Over a MemoryBus
// that refuses messages above 16 KiB, as a broker would.
import assert from 'node:assert/strict'
import { afterEach, describe, it } from 'node:test'
import type { BusDelivery } from '@plume/pubsub'
import { Cluster } from './support/cluster.js'

const LIMIT = 16 * 1024
const COUNT = 3000

let cluster: Cluster | undefined
afterEach(async () => {
  await cluster?.teardown()
  cluster = undefined
})

const isPart = (d: BusDelivery): boolean => d.text.includes('"t":"part"')

async function bigShard(c: Cluster): Promise<void> {
  const a = await c.add('a')
  for (let i = 0; i < COUNT; i++)
    a.tracker.track(`o${i}`, 'room', `user-${i}`, { i, pad: 'x'.repeat(20) })
  await c.advance(100)
}

describe('large transfers', () => {
  it('a joining node receives a state above the message limit, in parts', async () => {
    const sizes: number[] = []
    const drop = (d: BusDelivery): boolean => {
      sizes.push(Buffer.byteLength(d.text))
      return false
    }
    cluster = new Cluster({}, { maxMessageBytes: LIMIT, drop }, {})
    await bigShard(cluster)
    const b = await cluster.add('b')
    await cluster.advance(5000)
    assert.equal(b.tracker.count('room'), COUNT)
    assert.ok(Math.max(...sizes) <= LIMIT)
    assert.ok(sizes.length > (COUNT * 40) / LIMIT, 'the state went out in several messages')
  })

  it('a lost part is survived: the joining node asks again', async () => {
    let dropped = 0
    const drop = (d: BusDelivery): boolean => {
      if (d.to !== 'b' || !isPart(d) || dropped > 0) return false
      dropped++
      return true
    }
    cluster = new Cluster({}, { maxMessageBytes: LIMIT, drop }, {})
    await bigShard(cluster)
    const b = await cluster.add('b')
    await cluster.advance(700) // the first transfer: asked as soon as b saw a's clock
    assert.equal(dropped, 1)
    assert.ok(b.tracker.count('room') < COUNT, 'the first transfer lost a part')
    await cluster.advance(10_000)
    assert.equal(b.tracker.count('room'), COUNT)
  })

  it('without a limit, the same state goes out as one message', async () => {
    let parts = 0
    const drop = (d: BusDelivery): boolean => {
      if (isPart(d)) parts++
      return false
    }
    cluster = new Cluster({}, { drop }, {})
    await bigShard(cluster)
    const b = await cluster.add('b')
    await cluster.advance(5000)
    assert.equal(b.tracker.count('room'), COUNT)
    assert.equal(parts, 0)
  })
})
