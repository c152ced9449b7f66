// Port of phoenix_pubsub pool_test.exs: the same operations with poolSize 1 and
// 4, with topics spread over every shard; each shard replicates on its own topic.
import assert from 'node:assert/strict'
import { afterEach, describe, it } from 'node:test'
import { fnv1a32, shardFor } from '@plume/tracker'
import { Cluster, keysOf, PERIOD } from './support/cluster.js'

let cluster: Cluster | undefined
afterEach(async () => {
  await cluster?.teardown()
  cluster = undefined
})

/** Topics covering every shard of a pool of `n`. */
function topicsFor(n: number): string[] {
  const byShard = new Map<number, string>()
  for (let i = 0; byShard.size < n && i < 1000; i++) {
    const t = `room:${i}`
    if (!byShard.has(shardFor(t, n))) byShard.set(shardFor(t, n), t)
  }
  return [...byShard.values()]
}

describe('fnv1a32', () => {
  it('matches the reference FNV-1a values (UTF-8)', () => {
    assert.equal(fnv1a32(''), 0x811c9dc5)
    assert.equal(fnv1a32('a'), 0xe40c292c)
    assert.equal(fnv1a32('foobar'), 0xbf9cf968)
    assert.equal(fnv1a32('é'), fnv1a32('\u00e9'))
  })
})

for (const poolSize of [1, 4]) {
  describe(`pool of ${poolSize}`, () => {
    const topics = topicsFor(poolSize)

    it('covers every shard with its topics', () => {
      assert.equal(new Set(topics.map((t) => shardFor(t, poolSize))).size, poolSize)
    })

    it('track, untrack, untrackAll and update work across shards and replicate', async () => {
      const c = (cluster = new Cluster({ poolSize }))
      const [a, b] = [await c.add('a'), await c.add('b')]
      for (const t of topics) {
        a.tracker.track('oa', t, 'alice', {})
        a.tracker.track('oa2', t, 'ann', {})
      }
      await c.advance(3 * PERIOD)
      for (const t of topics) assert.deepEqual(keysOf(b.tracker.list(t)), ['alice', 'ann'], t)
      for (const t of topics) a.tracker.untrack('oa2', t, 'ann')
      const first = topics[0] ?? ''
      const r1 = a.tracker.update('oa', first, 'alice', { s: 1 })
      const r2 = a.tracker.update('oa', first, 'alice', (m) => ({ ...m, s: 2 }))
      await c.advance(3 * PERIOD)
      assert.deepEqual(b.tracker.list(first), [['alice', { s: 2, phx_ref: r2, phx_ref_prev: r1 }]])
      for (const t of topics) assert.deepEqual(keysOf(b.tracker.list(t)), ['alice'], t)
      a.tracker.untrackAll('oa')
      await c.advance(3 * PERIOD)
      for (const t of topics) assert.deepEqual(b.tracker.list(t), [], t)
    })

    it('graceful permdown clears every shard on peers; after a restart nothing is listed', async () => {
      const c = (cluster = new Cluster({ poolSize }))
      const [a, b] = [await c.add('a'), await c.add('b')]
      for (const t of topics) b.tracker.track('ob', t, 'bob', {})
      await c.advance(3 * PERIOD)
      for (const t of topics) assert.deepEqual(keysOf(a.tracker.list(t)), ['bob'])
      await b.tracker.gracefulPermdown()
      await c.crash('b')
      for (const t of topics) assert.deepEqual(a.tracker.dirtyList(t), [], t)
      const b2 = await c.add('b')
      await c.advance(3 * PERIOD)
      for (const t of topics) {
        assert.deepEqual(b2.tracker.list(t), [], t)
        assert.deepEqual(a.tracker.list(t), [], t)
      }
      for (let i = 0; i < poolSize; i++)
        assert.deepEqual(
          a.tracker.replicas(i).map((r) => r.ref),
          [b2.tracker.replicaRef(i)],
        )
    })
  })
}
