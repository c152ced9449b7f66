// A node that joins a cluster gets the others' state within one heartbeat period: the first
// clock a peer shows is answered with a transfer request at once, and a peer that sees a new
// node announces its clock on the next turn. Later gaps still wait for the sampled rounds.
// With eagerReplication: false the newcomer waits for a sampled round, as Phoenix does.
import assert from 'node:assert/strict'
import { afterEach, describe, it } from 'node:test'
import { Cluster } from './support/cluster.js'

const COUNT = 200
// The Tracker's documented defaults: heartbeatPeriod 500 ms, broadcastPeriod 1500 ms,
// clockSamplePeriods 2 (a sampled transfer round every 3 s).
const HEARTBEAT = 500
const SAMPLE_ROUND = 3000
const STEP = 50

let cluster: Cluster | undefined
afterEach(async () => {
  await cluster?.teardown()
  cluster = undefined
})

/** Node `a` holding COUNT presences, settled; then node `b` starts. */
async function joinAfterState(options: Parameters<Cluster['add']>[1] = {}) {
  cluster = new Cluster(options, {}, {})
  const a = await cluster.add('a')
  for (let i = 0; i < COUNT; i++) a.tracker.track(`o${i}`, 'room', `k${i}`, {})
  await cluster.advance(10_000, STEP)
  const b = await cluster.add('b')
  return { c: cluster, a, b }
}

describe('a joining node', () => {
  it('holds the cluster state within one heartbeat period', async () => {
    const { c, b } = await joinAfterState()
    await c.advance(HEARTBEAT + 2 * STEP, STEP)
    assert.equal(b.tracker.count('room'), COUNT)
  })

  it('asks each peer once; the sampled rounds find nothing more to ask', async () => {
    const { c } = await joinAfterState()
    await c.advance(HEARTBEAT + 2 * STEP, STEP)
    assert.equal(c.sent('treq', 'b').length, 1)
    await c.advance(4 * SAMPLE_ROUND, STEP)
    assert.equal(c.sent('treq', 'b').length, 1)
    assert.equal(c.sent('treq', 'a').length, 0)
  })

  it('with eagerReplication: false, waits for a sampled transfer round', async () => {
    const { c, b } = await joinAfterState({ eagerReplication: false })
    await c.advance(HEARTBEAT + 2 * STEP, STEP)
    assert.equal(b.tracker.count('room'), 0)
    await c.advance(3 * SAMPLE_ROUND, STEP)
    assert.equal(b.tracker.count('room'), COUNT)
  })
})
