// Ghost and leak regressions (phoenix_pubsub#80, #175): permdowned or
// never-seen replicas are not resurrected through a third party, and churn does not grow state.
import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import { replicaRef, TrackerState } from '@plume/crdt'
import { connect, newState } from './support.js'

describe('TrackerState: ghosts', () => {
  it('a permdowned replica is not resurrected by a third party (full state or delta)', () => {
    const [a, b, c] = [newState('a'), newState('b'), newState('c')]
    connect(a, b, c)
    c.join('zed', 'lobby', 'zed', {})
    a.merge(c.extract(a.context))
    b.merge(c.extract(b.context))
    a.replicaDown(c.replica)
    a.removeReplica(c.replica)
    assert.deepEqual(a.merge(b.extract(a.context)), { joins: [], leaves: [] })
    assert.deepEqual(a.merge(b.extract(b.context)), { joins: [], leaves: [] })
    assert.deepEqual(a.merge(c.delta), { joins: [], leaves: [] })
    assert.equal(a.size, 0)
    assert.equal(a.context.has(c.replica), false)
    assert.equal(a.clouds.has(c.replica), false)
  })

  it('a replica never heard from is unknown: its elements and dots are ignored', () => {
    const [a, x] = [newState('a'), new TrackerState(replicaRef('x', 'v9'))]
    x.join('o', 't', 'k', {})
    assert.deepEqual(a.merge(x.delta), { joins: [], leaves: [] })
    assert.equal(a.size, 0)
    assert.equal(a.clouds.size, 0)
  })

  it('frequent updates do not grow remote state (issue #175)', () => {
    const [a, b] = [newState('a'), newState('b')]
    connect(a, b)
    a.join('o', 't', 'k', { n: 0 })
    for (let i = 1; i <= 50; i++) {
      a.update('o', 't', 'k', { n: i })
      b.merge(a.resetDelta())
    }
    assert.equal(b.size, 1)
    assert.deepEqual(
      b.list('t').map((e) => e.meta),
      [{ n: 50 }],
    )
    assert.equal(b.clouds.size, 0)
  })
})
