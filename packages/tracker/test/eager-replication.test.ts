// Eager replication (the default): a local change reaches the other nodes on the next
// event-loop turn, batched into one delta per turn, instead of waiting for the next tick.
// With eagerReplication: false it waits for the tick, as Phoenix.Tracker does.
import assert from 'node:assert/strict'
import { afterEach, describe, it } from 'node:test'
import { Cluster, keysOf } from './support/cluster.js'

let cluster: Cluster | undefined
afterEach(async () => {
  await cluster?.teardown()
  cluster = undefined
})

/** One event-loop turn of virtual time: timers due now run, then the bus settles. */
async function nextTurn(c: Cluster): Promise<void> {
  c.scheduler.advance(0)
  await c.settle()
}

describe('eager replication', () => {
  it('sends a local join to peers on the next turn, before any tick', async () => {
    cluster = new Cluster({ broadcastPeriod: 60_000 }, {}, {})
    const [a, b] = [await cluster.add('a'), await cluster.add('b')]
    await cluster.advance(100) // past the first tick (at 0: no jitter); the next is at 60 s
    a.tracker.track('o', 'room', 'alice', {})
    await nextTurn(cluster)
    assert.deepEqual(keysOf(b.tracker.list('room')), ['alice'])
    a.tracker.untrack('o', 'room', 'alice')
    await nextTurn(cluster)
    assert.deepEqual(b.tracker.list('room'), [])
  })

  it('batches every change of one turn into one delta', async () => {
    cluster = new Cluster({ broadcastPeriod: 60_000 }, {}, {})
    const [a, b] = [await cluster.add('a'), await cluster.add('b')]
    await cluster.advance(100)
    for (let i = 0; i < 50; i++) a.tracker.track(`o${i}`, 'room', `k${i}`, {})
    a.tracker.update('o0', 'room', 'k0', { status: 'away' })
    await nextTurn(cluster)
    const deltas = cluster.sent('hb', 'a').filter((s) => s.at === 'b' && s.msg.t === 'hb')
    assert.equal(deltas.filter((s) => s.msg.t === 'hb' && s.msg.delta !== null).length, 1)
    assert.equal(b.tracker.count('room'), 50)
    assert.equal(b.tracker.getByKey('room', 'k0')[0]?.[1]['status'], 'away')
  })

  it('with eagerReplication: false, waits for the tick', async () => {
    cluster = new Cluster({ eagerReplication: false, broadcastPeriod: 1000 }, {}, {})
    const [a, b] = [await cluster.add('a'), await cluster.add('b')]
    await cluster.advance(100) // past the first tick (at 0: no jitter)
    a.tracker.track('o', 'room', 'alice', {})
    await nextTurn(cluster)
    await cluster.advance(800)
    assert.deepEqual(b.tracker.list('room'), [])
    await cluster.advance(200) // the tick at 1000
    assert.deepEqual(keysOf(b.tracker.list('room')), ['alice'])
  })
})
