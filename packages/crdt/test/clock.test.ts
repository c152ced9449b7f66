// Port of phoenix_pubsub clock_test.exs: dominance, clockset trimming, bounds,
// replica filtering.
import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import {
  appendClock,
  clockReplicas,
  clocksetReplicas,
  dominates,
  dominatesOrEqual,
  filterReplicas,
  lowerbound,
  upperbound,
} from '@plume/crdt'
import type { ClockEntry } from '@plume/crdt'

const m = (o: Record<string, number>): Map<string, number> => new Map(Object.entries(o))
const sorted = (set: ClockEntry[]): string[] => set.map(([r]) => r).sort()

describe('clock', () => {
  it('dominates: size rule and reflexive', () => {
    const c1 = m({ a: 1, b: 2, c: 3 })
    const c2 = m({ b: 2, c: 3, d: 1 })
    const c3 = m({ a: 1, b: 2 })
    assert.equal(dominates(c1, c3), true)
    assert.equal(dominates(c3, c1), false)
    assert.equal(dominates(c1, c2), false)
    assert.equal(dominates(c1, c1), true)
    assert.equal(dominates(m({ a: 1 }), m({ a: 2 })), false)
  })

  it('dominatesOrEqual: empty rules and walks the keys of a', () => {
    assert.equal(dominatesOrEqual(m({}), m({})), true)
    assert.equal(dominatesOrEqual(m({}), m({ a: 1 })), false)
    assert.equal(dominatesOrEqual(m({ a: 2 }), m({ a: 2, b: 5 })), true)
    assert.equal(dominatesOrEqual(m({ a: 1 }), m({ a: 2 })), false)
  })

  it('clockset keeps only maximal clocks', () => {
    const c1: ClockEntry = ['a', m({ a: 1, b: 2, c: 3 })]
    const c2: ClockEntry = ['b', m({ b: 2, c: 3, d: 1 })]
    const c3: ClockEntry = ['c', m({ a: 1, b: 2 })]
    assert.deepEqual(sorted(appendClock([c2, c3], c1)), ['b', 'c'])
    assert.deepEqual(sorted(appendClock([c1, c2], c3)), ['a', 'b'])
    assert.deepEqual(sorted(appendClock([c1, c2], c1)), ['a', 'b'])
    assert.deepEqual(sorted(appendClock([c1, c2], c2)), ['a', 'b'])
    assert.deepEqual(sorted(appendClock([c1, c3], c2)), ['a', 'b', 'c'])
    assert.deepEqual(clocksetReplicas(appendClock([c2, c3], c1)).sort(), ['b', 'c'])
  })

  it('clockset: empty clocks are ignored, a dominating clock replaces the set', () => {
    const c1: ClockEntry = ['a', m({ a: 1 })]
    assert.deepEqual(appendClock([c1], ['b', m({})]), [c1])
    const big: ClockEntry = ['z', m({ a: 5, b: 5 })]
    assert.deepEqual(appendClock([c1, ['b', m({ b: 1 })]], big), [big])
  })

  it('upperbound and lowerbound pass missing keys through', () => {
    assert.deepEqual(
      upperbound(m({ a: 1, b: 2, c: 2 }), m({ a: 3, b: 1, d: 2 })),
      m({ a: 3, b: 2, c: 2, d: 2 }),
    )
    assert.deepEqual(upperbound(m({}), m({ a: 3, b: 1, d: 2 })), m({ a: 3, b: 1, d: 2 }))
    assert.deepEqual(upperbound(m({ a: 3, b: 1, d: 2 }), m({})), m({ a: 3, b: 1, d: 2 }))
    assert.deepEqual(
      lowerbound(m({ a: 1, b: 2, c: 2 }), m({ a: 3, b: 1, d: 2 })),
      m({ a: 1, b: 1, c: 2, d: 2 }),
    )
    assert.deepEqual(lowerbound(m({}), m({ a: 3, b: 1, d: 2 })), m({ a: 3, b: 1, d: 2 }))
    assert.deepEqual(lowerbound(m({ a: 3, b: 1, d: 2 }), m({})), m({ a: 3, b: 1, d: 2 }))
  })

  it('filterReplicas and clockReplicas', () => {
    assert.deepEqual(filterReplicas(m({ a: 1, b: 2, c: 3 }), ['a', 'b']), m({ a: 1, b: 2 }))
    assert.deepEqual(filterReplicas(m({ a: 1, b: 2, c: 3 }), ['a', 'c']), m({ a: 1, c: 3 }))
    assert.deepEqual(filterReplicas(m({ a: 1, b: 2, c: 3 }), ['a', 'd']), m({ a: 1 }))
    assert.deepEqual(filterReplicas(m({ a: 1, b: 2, c: 3 }), ['d']), m({}))
    assert.deepEqual(clockReplicas(m({})), [])
    assert.deepEqual(clockReplicas(m({ a: 1 })), ['a'])
    assert.deepEqual(clockReplicas(m({ a: 1, b: 2 })), ['a', 'b'])
  })
})
