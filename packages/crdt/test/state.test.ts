// Port of phoenix_pubsub state_test.exs, one scenario per test. The ghost and
// leak regressions live in ghosts.test.ts.
import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import { CrdtError, mergeDeltas } from '@plume/crdt'
import { connect, keys, newState, ref, snapshot, tags } from './support.js'

describe('TrackerState (state_test.exs)', () => {
  it('a fresh state extracts to an empty values map', () => {
    const a = newState('a')
    assert.equal(a.extract(a.context).values.size, 0)
    assert.deepEqual([...a.context], [[ref('a'), 0]])
  })

  it('a local join is visible by topic and a leave hides it', () => {
    const a = newState('a')
    a.join('john', 'lobby', 'john', {})
    assert.deepEqual(keys(a.list('lobby')), ['john'])
    assert.equal(a.count('lobby'), 1)
    assert.equal(a.leave('john', 'lobby', 'john')?.key, 'john')
    assert.deepEqual(a.list('lobby'), [])
    assert.equal(a.count('lobby'), 0)
    assert.equal(a.leave('john', 'lobby', 'john'), undefined)
  })

  it('a duplicate local join is refused', () => {
    const a = newState('a')
    a.join('o', 't', 'k', {})
    assert.throws(
      () => a.join('o', 't', 'k', {}),
      (e) => e instanceof CrdtError && e.code === 'ALREADY_PRESENT',
    )
    a.join('o', 't', 'k2', {})
    a.join('o', 't2', 'k', {})
    assert.equal(a.size, 3)
  })

  it('users from other servers merge; merging twice emits nothing; removes are observed', () => {
    const a = newState('a')
    const b = newState('b')
    connect(a, b)
    a.join('alice', 'lobby', 'alice', {})
    b.join('bob', 'lobby', 'bob', {})
    assert.deepEqual(keys(a.merge(b.extract(a.context)).joins), ['bob'])
    assert.deepEqual(keys(a.list('lobby')), ['alice', 'bob'])
    const before = snapshot(a)
    assert.deepEqual(a.merge(b.extract(a.context)), { joins: [], leaves: [] })
    assert.deepEqual(snapshot(a), before)

    assert.deepEqual(keys(b.merge(a.extract(b.context)).joins), ['alice'])
    assert.deepEqual(b.merge(a.extract(b.context)), { joins: [], leaves: [] })

    a.leave('alice', 'lobby', 'alice')
    assert.deepEqual(keys(a.getByOwner('alice')), [])
    const r = b.merge(a.extract(b.context))
    assert.deepEqual([keys(r.joins), keys(r.leaves)], [[], ['alice']])
    assert.deepEqual(keys(b.list('lobby')), ['bob'])
    assert.deepEqual(keys(b.getByOwner('alice')), [])
    assert.deepEqual(b.merge(a.extract(b.context)), { joins: [], leaves: [] })

    b.join('carol', 'lobby', 'carol', {})
    assert.deepEqual(keys(a.merge(b.extract(a.context)).joins), ['carol'])
    assert.deepEqual(a.merge(b.extract(a.context)), { joins: [], leaves: [] })
    assert.deepEqual(tags(a.list('lobby')), tags(b.list('lobby')))
  })

  it('an update (leave + join) merges as one join and one leave; the owner index is unchanged', () => {
    const a = newState('a')
    const b = newState('b')
    connect(a, b)
    a.join('alice', 'lobby', 'alice', { v: 1 })
    b.merge(a.extract(b.context))
    const up = a.update('alice', 'lobby', 'alice', { v: 2 })
    assert.ok(up)
    assert.deepEqual([up.old.meta, up.entry.meta], [{ v: 1 }, { v: 2 }])
    const r = b.merge(a.extract(b.context))
    assert.deepEqual(
      r.joins.map((e) => e.meta),
      [{ v: 2 }],
    )
    assert.deepEqual(
      r.leaves.map((e) => e.meta),
      [{ v: 1 }],
    )
    assert.deepEqual(
      b.getByOwner('alice').map((e) => e.meta),
      [{ v: 2 }],
    )
    assert.equal(a.update('nobody', 'lobby', 'x', {}), undefined)
  })

  it('basic netsplit: down hides, a merge does not resurrect, up re-emits joins', () => {
    const a = newState('a')
    const b = newState('b')
    connect(a, b)
    a.join('alice', 'lobby', 'alice', {})
    b.join('bob', 'lobby', 'bob', {})
    assert.deepEqual(keys(a.merge(b.extract(a.context)).joins), ['bob'])
    a.join('carol', 'lobby', 'carol', {})
    a.leave('alice', 'lobby', 'alice')
    a.join('david', 'lobby', 'david', {})
    assert.deepEqual(keys(a.replicaDown(ref('b'))), ['bob'])
    assert.deepEqual(keys(a.list('lobby')), ['carol', 'david'])
    assert.deepEqual(a.merge(b.extract(a.context)), { joins: [], leaves: [] })
    assert.deepEqual(keys(a.list('lobby')), ['carol', 'david'])
    assert.deepEqual(keys(a.dirtyList('lobby')), ['bob', 'carol', 'david'])
    assert.deepEqual(keys(a.replicaUp(ref('b'))), ['bob'])
    assert.deepEqual(keys(a.list('lobby')), ['bob', 'carol', 'david'])
  })

  it('joins and removes travel through a third replica, also when the origin is down there', () => {
    const [a, b, c] = [newState('a'), newState('b'), newState('c')]
    connect(a, b, c)
    a.join('alice', 'lobby', 'alice', {})
    b.merge(a.extract(b.context))
    assert.deepEqual(keys(c.merge(b.extract(c.context)).joins), ['alice'])
    a.join('ann', 'lobby', 'ann', {})
    b.merge(a.delta)
    c.replicaDown(a.replica)
    // Stored but hidden: no diff now; it is reported when a comes back up.
    assert.deepEqual(c.merge(b.extract(c.context)), { joins: [], leaves: [] })
    assert.deepEqual(keys(c.dirtyList('lobby')), ['alice', 'ann'])
    a.resetDelta()
    a.leave('alice', 'lobby', 'alice')
    assert.deepEqual(keys(b.merge(a.delta).leaves), ['alice'])
    // b tombstoned alice in its own delta, so the remove propagates transitively.
    assert.deepEqual(c.merge(b.delta), { joins: [], leaves: [] })
    assert.deepEqual(keys(c.dirtyList('lobby')), ['ann'])
    assert.deepEqual(keys(c.replicaUp(a.replica)), ['ann'])
  })

  it('getByOwner, getByKey and list exclude down replicas', () => {
    const [n1, n2, n3] = [newState('n1'), newState('n2'), newState('n3')]
    connect(n1, n2, n3)
    n1.join('p', 'topic', 'key1', {})
    n1.join('p', 'topic', 'key2', {})
    n2.join('u2', 'topic', 'user2', {})
    n3.join('u3', 'topic', 'user3', {})
    n2.join('u2b', 'topic', 'key1', {})
    n1.merge(n2.extract(n1.context))
    n1.merge(n3.extract(n1.context))
    assert.deepEqual(keys(n1.list('topic')), ['key1', 'key1', 'key2', 'user2', 'user3'])
    assert.deepEqual(
      n1
        .getByKey('topic', 'key1')
        .map((e) => e.owner)
        .sort(),
      ['p', 'u2b'],
    )
    assert.equal(n1.count('topic'), 5)
    n1.replicaDown(n2.replica)
    assert.deepEqual(keys(n1.list('topic')), ['key1', 'key2', 'user3'])
    assert.deepEqual(
      n1.getByKey('topic', 'key1').map((e) => e.owner),
      ['p'],
    )
    assert.deepEqual(n1.getByOwner('u2'), [])
    assert.equal(n1.count('topic'), 3)
    n1.replicaDown(n3.replica)
    assert.deepEqual(keys(n1.list('topic')), ['key1', 'key2'])
    assert.deepEqual(n1.list('another:topic'), [])
  })

  it('removeReplica (permdown) deletes for good; a later up brings nothing back', () => {
    const [s1, s2] = [newState('n1'), newState('n2')]
    connect(s1, s2)
    s1.join('alice', 'lobby', 'alice', {})
    s2.join('bob', 'lobby', 'bob', {})
    s2.merge(s1.extract(s2.context))
    assert.deepEqual(keys(s2.list('lobby')), ['alice', 'bob'])
    s2.replicaDown(s1.replica)
    assert.deepEqual(keys(s2.getByOwner('alice')), [])
    assert.equal(s2.size, 2)
    assert.deepEqual(s2.removeReplica(s1.replica), [])
    assert.equal(s2.size, 1)
    assert.equal(s2.context.has(s1.replica), false)
    assert.deepEqual(s2.replicaUp(s1.replica), [])
    assert.deepEqual(keys(s2.list('lobby')), ['bob'])
  })

  it('basic deltas move the clocks forward and leave the clouds empty', () => {
    const [a, b] = [newState('a'), newState('b')]
    b.replicaUp(a.replica)
    a.join('alice', 'lobby', 'alice', {})
    b.join('bob', 'lobby', 'bob', {})
    assert.deepEqual(keys(b.merge(a.delta).joins), ['alice'])
    assert.deepEqual(
      b.clock(),
      new Map([
        [ref('b'), 1],
        [ref('a'), 1],
      ]),
    )
    a.resetDelta()
    a.leave('alice', 'lobby', 'alice')
    assert.deepEqual(keys(b.merge(a.delta).leaves), ['alice'])
    assert.deepEqual(
      b.clock(),
      new Map([
        [ref('b'), 1],
        [ref('a'), 2],
      ]),
    )
    a.join('alice', 'lobby', 'alice', {})
    assert.deepEqual(keys(b.merge(a.delta).joins), ['alice'])
    assert.deepEqual(
      b.clock(),
      new Map([
        [ref('b'), 1],
        [ref('a'), 3],
      ]),
    )
    assert.equal(b.clouds.size, 0)
  })

  it('out-of-order deltas wait in the clouds until the gap is filled', () => {
    const [a, b] = [newState('a'), newState('b')]
    b.replicaUp(a.replica)
    a.join('o1', 'lobby', 'one', {})
    const d1 = a.resetDelta()
    a.join('o2', 'lobby', 'two', {})
    const d2 = a.resetDelta()
    assert.deepEqual(keys(b.merge(d2).joins), ['two'])
    assert.equal(b.context.get(a.replica), 0)
    assert.deepEqual([...(b.clouds.get(a.replica) ?? [])], [2])
    assert.deepEqual(keys(b.merge(d1).joins), ['one'])
    assert.equal(b.context.get(a.replica), 2)
    assert.equal(b.clouds.size, 0)
  })

  it('non-contiguous deltas refuse to merge', () => {
    const a = newState('a')
    a.join('o', 'lobby', 'one', {})
    const d1 = a.resetDelta()
    a.join('o', 'lobby', 'two', {})
    a.resetDelta()
    a.join('o', 'lobby', 'three', {})
    const d3 = a.resetDelta()
    assert.equal(mergeDeltas(d1, d3), undefined)
    assert.ok(mergeDeltas(d1, d1))
  })

  it('a full extract carries the context only for replicas the remote knows', () => {
    const [a, b, c] = [newState('a'), newState('b'), newState('c')]
    connect(a, b)
    a.replicaUp(c.replica)
    c.join('carl', 'lobby', 'carl', {})
    a.merge(c.extract(a.context))
    const ext = a.extract(b.context)
    assert.deepEqual([...ext.context.keys()].sort(), [ref('a'), ref('b')])
    assert.deepEqual([...ext.values.values()], [])
  })

  it('merging two deltas unions values and dots', () => {
    const [s1, s2] = [newState('s1'), newState('s2')]
    s1.join('u1', 'lobby', 'user1', {})
    s1.join('u1', 'private', 'user1', {})
    s2.join('u2', 'lobby', 'user2', {})
    s2.join('u2', 'private', 'user2', {})
    const d = mergeDeltas(s1.delta, s2.delta)
    assert.ok(d)
    assert.deepEqual([...d.values.keys()].sort(), [
      `1:${ref('s1')}`,
      `1:${ref('s2')}`,
      `2:${ref('s1')}`,
      `2:${ref('s2')}`,
    ])
    assert.deepEqual([...d.clouds].map(([r, s]) => [r, [...s].sort()]).sort(), [
      [ref('s1'), [1, 2]],
      [ref('s2'), [1, 2]],
    ])
  })

  it('concurrent add wins; duplicates are idempotent; an observed remove keeps its tombstone', () => {
    const [s1, s2] = [newState('s1'), newState('s2')]
    s1.join('u1', 'lobby', 'user1', {})
    s1.join('u1', 'private', 'user1', {})
    s2.join('u1', 'lobby', 'user1', {})
    s2.leave('u1', 'lobby', 'user1')
    const d1 = mergeDeltas(s1.delta, s2.delta)
    assert.ok(d1)
    assert.deepEqual([...d1.values.keys()].sort(), [`1:${ref('s1')}`, `2:${ref('s1')}`])
    assert.deepEqual([...(d1.clouds.get(ref('s2')) ?? [])].sort(), [1, 2])
    assert.deepEqual(mergeDeltas(d1, s2.delta), d1)

    s2.replicaUp(s1.replica)
    s2.merge(d1)
    assert.deepEqual(keys(s2.list('private')), ['user1'])
    s2.resetDelta()
    // s2 cannot remove s1's element (only owners remove), so model the owner removing it.
    s1.leave('u1', 'private', 'user1')
    const d2 = mergeDeltas(d1, s1.delta)
    assert.ok(d2)
    assert.deepEqual([...d2.values.keys()], [`1:${ref('s1')}`])
    assert.deepEqual([...(d2.clouds.get(ref('s1')) ?? [])].sort(), [1, 2, 3])
  })
})
