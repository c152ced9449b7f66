// Port of phoenix_pubsub delta_generation_test.exs with caps [2, 5, 6], plus the
// pruning and extract-selection rules.
import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import { extractForRemote, pruneGenerations, pushDelta } from '@plume/crdt'
import type { Delta, TrackerState } from '@plume/crdt'
import { connect, keys, newState, ref } from './support.js'

const CAPS = [2, 5, 6]
const dots = (d: Delta): string[] =>
  [...d.clouds].flatMap(([r, s]) => [...s].map((c) => `${r.split('#')[0]}:${c}`)).sort()
const vkeys = (d: Delta): string[] => keys(d.values.values())

function joinFresh(s: TrackerState, key: string): void {
  s.resetDelta()
  s.join(`pid-${key}`, 'lobby', key, {})
}

describe('delta generations', () => {
  it('grow up to the caps, restart from the smaller window, include remote deltas and tombstones', () => {
    const [s1, s2] = [newState('s1'), newState('s2')]
    s1.join('p1', 'lobby', 'user1', {})
    let gens = pushDelta([], s1.delta, CAPS, s1.delta)
    assert.equal(gens.length, 3)
    for (const g of gens) assert.deepEqual([vkeys(g), dots(g)], [['user1'], ['s1:1']])
    assert.deepEqual(
      pushDelta(gens, s1.delta, CAPS, s1.delta),
      gens,
      'duplicate pushes have no effect',
    )

    joinFresh(s1, 'user2')
    gens = pushDelta(gens, s1.delta, CAPS, s1.delta)
    assert.deepEqual(gens.map(vkeys), [['user2'], ['user1', 'user2'], ['user1', 'user2']])
    assert.deepEqual(gens.map(dots), [['s1:2'], ['s1:1', 's1:2'], ['s1:1', 's1:2']])

    joinFresh(s1, 'user3')
    gens = pushDelta(gens, s1.delta, CAPS, s1.delta)
    assert.deepEqual(gens[0], s1.delta)
    assert.deepEqual(gens.map(vkeys), [['user3'], ['user2', 'user3'], ['user1', 'user2', 'user3']])
    assert.deepEqual(gens.map(dots), [['s1:3'], ['s1:2', 's1:3'], ['s1:1', 's1:2', 's1:3']])

    joinFresh(s1, 'user4')
    gens = pushDelta(gens, s1.delta, CAPS, s1.delta)
    assert.deepEqual(gens.map(vkeys), [['user4'], ['user3', 'user4'], ['user2', 'user3', 'user4']])
    assert.deepEqual(gens.map(dots), [['s1:4'], ['s1:3', 's1:4'], ['s1:2', 's1:3', 's1:4']])

    s2.join('p5', 'lobby', 'user5', {})
    gens = pushDelta(gens, s2.delta, CAPS, s1.delta)
    assert.deepEqual(gens.map(vkeys), [['user5'], ['user4', 'user5'], ['user3', 'user4', 'user5']])
    assert.deepEqual(gens.map(dots), [['s2:1'], ['s1:4', 's2:1'], ['s1:3', 's1:4', 's2:1']])

    s2.leaveOwner('p5')
    gens = pushDelta(gens, s2.delta, CAPS, s1.delta)
    assert.deepEqual(gens.map(vkeys), [[], ['user4'], ['user3', 'user4']])
    assert.deepEqual(gens.map(dots), [
      ['s2:1', 's2:2'],
      ['s1:4', 's2:1', 's2:2'],
      ['s1:3', 's1:4', 's2:1', 's2:2'],
    ])
  })

  it('does not fold in non-contiguous deltas', () => {
    const [s1, s3] = [newState('s1'), newState('s3')]
    s1.join('p', 'lobby', 'user1', {})
    s3.join('p', 'lobby', 'user3', {})
    const old = s3.resetDelta()
    s3.join('p', 'lobby', 'user3b', {})
    s3.resetDelta()
    s3.join('p', 'lobby', 'user3c', {})
    const gens = pushDelta([], old, [5, 10, 15], s1.delta)
    assert.deepEqual(pushDelta(gens, s3.delta, [5, 10, 15], s1.delta), gens)
  })

  it('pruning a permdowned replica removes it from every generation', () => {
    const [s1, s2] = [newState('s1'), newState('s2')]
    s1.join('p', 'lobby', 'a', {})
    s2.join('q', 'lobby', 'b', {})
    let gens = pushDelta([], s1.delta, CAPS, s1.delta)
    gens = pushDelta(gens, s2.delta, [10, 10, 10], s1.delta)
    assert.ok(gens.every((g) => vkeys(g).includes('b')))
    const pruned = pruneGenerations(gens, ref('s2'))
    for (const g of pruned) {
      assert.deepEqual(vkeys(g), ['a'])
      assert.equal(g.clouds.has(ref('s2')), false)
      assert.equal(g.start.has(ref('s2')) || g.end.has(ref('s2')), false)
    }
  })
})

describe('extractForRemote', () => {
  function setup(): { a: TrackerState; b: TrackerState; gens: Delta[] } {
    const [a, b] = [newState('a'), newState('b')]
    connect(a, b)
    a.join('p1', 'lobby', 'one', {})
    b.merge(a.extract(b.context))
    a.resetDelta()
    let gens: Delta[] = []
    for (const k of ['two', 'three']) {
      a.join(`p-${k}`, 'lobby', k, {})
      const d = a.resetDelta()
      gens = pushDelta(gens, d, [2, 4, 100], a.delta)
    }
    return { a, b, gens }
  }

  it('sends the full state when there are no generations', () => {
    const { a, b } = setup()
    assert.equal(extractForRemote(a, [], b.context).mode, 'normal')
  })

  it('sends the first generation that starts where the remote is and holds something new', () => {
    const { a, b, gens } = setup()
    // b has a:1; gens[0] = (a:2, a:3], gens[1] = (a:1, a:3]
    const p = extractForRemote(a, gens, b.context)
    assert.equal(p.mode, 'delta')
    assert.deepEqual(keys(p.values.values()), ['three', 'two'])
    assert.deepEqual(keys(b.merge(p).joins), ['three', 'two'])
    assert.equal(b.context.get(a.replica), 3)
  })

  it('never sends an empty generation, nor one the remote already dominates', () => {
    const { a, b, gens } = setup()
    b.merge(a.extract(b.context))
    // b is at a:3: every generation is dominated, so the full state is the answer.
    assert.equal(extractForRemote(a, gens, b.context).mode, 'normal')
    const empty = pushDelta([], a.delta, CAPS, a.delta)
    assert.equal(extractForRemote(a, empty, new Map([[a.replica, 0]])).mode, 'normal')
  })

  it('restricts the generation to the replicas the remote knows', () => {
    const { a, b, gens } = setup()
    const c = newState('c')
    a.replicaUp(c.replica)
    c.join('pc', 'lobby', 'cee', {})
    const withC = pushDelta(gens, c.delta, [2, 4, 100], a.delta)
    const p = extractForRemote(a, withC, b.context)
    assert.equal(p.mode, 'delta')
    assert.ok(![...p.values.values()].some((e) => e.replica === c.replica))
    assert.equal(p.clouds.has(c.replica), false)
  })
})
