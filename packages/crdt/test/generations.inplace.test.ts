// DeltaGenerations (the in-place generations a shard keeps) against the pure reference
// pushDelta/pruneGenerations: same generations after any sequence of pushes (in order, late,
// duplicated), prunes and clears; and pushing costs O(pushed delta) amortized, counted in
// entries copied, not timed. The fast-check seed is printed.
import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import fc from 'fast-check'
import { copyDelta, deltaSize, DeltaGenerations, pruneGenerations, pushDelta } from '@plume/crdt'
import type { Delta, TrackerState } from '@plume/crdt'
import { newState, ref } from './support.js'

const SEED = Number(process.env['FC_SEED'] ?? Date.now() % 2 ** 31)
console.log(`generations seed=${SEED} (replay with FC_SEED=${SEED})`)

type Op =
  | { k: 'change'; r: number; key: number }
  | { k: 'flush'; r: number }
  | { k: 'push'; back: number }
  | { k: 'prune'; r: number }
  | { k: 'clear' }

const opArb: fc.Arbitrary<Op> = fc.oneof(
  { weight: 4, arbitrary: fc.record({ k: fc.constant('change'), r: fc.nat(2), key: fc.nat(5) }) },
  { weight: 3, arbitrary: fc.record({ k: fc.constant('flush'), r: fc.nat(2) }) },
  { weight: 4, arbitrary: fc.record({ k: fc.constant('push'), back: fc.nat(4) }) },
  {
    weight: 1,
    arbitrary: fc.record({ k: fc.constant('prune'), r: fc.integer({ min: 1, max: 2 }) }),
  },
  { weight: 1, arbitrary: fc.record({ k: fc.constant('clear') }) },
)

/** Joins `key` on replica `s`, or removes it when present (a remove leaves a tombstone). */
function toggle(s: TrackerState, key: number): void {
  const name = `u${key}`
  if (s.getLocal(`p${key}`, 'lobby', name)) s.leave(`p${key}`, 'lobby', name)
  else s.join(`p${key}`, 'lobby', name, {})
}

/** Runs `ops` on a shard-like setup (state `a` owns the generations) and checks every step. */
function check(caps: number[], ops: Op[]): void {
  const states = [newState('a'), newState('b'), newState('c')]
  const [a] = states as [TrackerState]
  const history: Delta[] = []
  const gens = new DeltaGenerations(caps)
  let expected: Delta[] = []
  for (const op of ops) {
    if (op.k === 'change') toggle(states[op.r] as TrackerState, op.key)
    else if (op.k === 'flush') history.push((states[op.r] as TrackerState).resetDelta())
    else if (op.k === 'push') {
      const d = history[history.length - 1 - (op.back % Math.max(1, history.length))]
      if (!d) continue
      // The reference would alias the live seed; copy it, as a generation must never alias.
      expected = pushDelta(expected, d, caps, copyDelta(a.delta))
      gens.push(d, a.delta)
    } else if (op.k === 'prune') {
      expected = pruneGenerations(expected, ref(['a', 'b', 'c'][op.r] as string))
      gens.prune(ref(['a', 'b', 'c'][op.r] as string))
    } else {
      expected = []
      gens.clear()
    }
    assert.deepEqual(gens.deltas, expected, `after ${JSON.stringify(op)}`)
    // Slots are merged in place, so they must never share maps (copy-on-promote).
    const maps = gens.deltas.flatMap((g) => [g.values, ...g.clouds.values()])
    assert.equal(new Set(maps).size, maps.length, `shared maps after ${JSON.stringify(op)}`)
  }
}

/** A delta holding one join of replica `s` (value + dot: 2 entries). */
function oneJoin(s: TrackerState, i: number): Delta {
  s.join(`p${i}`, 'lobby', `u${i}`, {})
  return s.resetDelta()
}

describe('DeltaGenerations', () => {
  it('matches the pure pushDelta/pruneGenerations after any sequence of operations', () => {
    const capsArb = fc.array(fc.integer({ min: 1, max: 12 }), { minLength: 1, maxLength: 4 })
    fc.assert(
      fc.property(capsArb, fc.array(opArb, { maxLength: 60 }), (caps, ops) => check(caps, ops)),
      { seed: SEED, numRuns: 300 },
    )
  })

  it('rejects caps that are not a non-empty list of positive integers', () => {
    for (const caps of [[], [0], [10, -1], [1.5], [Number.NaN]]) {
      assert.throws(() => new DeltaGenerations(caps), {
        name: 'CrdtError',
        code: 'INVALID_ARGUMENT',
      })
    }
  })

  it('never aliases the pushed delta nor the live seed', () => {
    const a = newState('a')
    a.join('p0', 'lobby', 'u0', {})
    const gens = new DeltaGenerations([4, 8])
    gens.push(a.delta, a.delta)
    const before = gens.deltas.map(copyDelta)
    a.join('p1', 'lobby', 'u1', {})
    a.leave('p0', 'lobby', 'u0')
    assert.deepEqual(gens.deltas, before)
  })

  it('merges a small delta into a large generation in place, without copying it', () => {
    const a = newState('a')
    const gens = new DeltaGenerations([100, 1000, 10_000])
    for (let i = 0; i < 4000; i++) gens.push(oneJoin(a, i), a.delta)
    const big = gens.deltas[2]
    assert.equal(big && deltaSize(big), 8000, 'the largest generation holds every push so far')
    let inPlace = 0
    for (let i = 4000; i < 4200; i++) {
      const [slots, copied] = [[...gens.deltas], gens.copiedEntries]
      gens.push(oneJoin(a, i), a.delta)
      const cost = gens.copiedEntries - copied
      if (gens.deltas.every((g, j) => g === slots[j])) {
        assert.equal(cost, 0, 'a push that restarts no slot copies nothing')
        inPlace++
      } else assert.ok(cost <= 100, `a restart copies at most the smallest cap, got ${cost}`)
    }
    assert.ok(inPlace >= 190, `${inPlace} of 200 pushes merged in place`)
    assert.equal(gens.deltas[2], big, 'the largest generation is the same object, grown')
    assert.equal(deltaSize(big as Delta), 8400)
  })

  it('copies O(pushed entries) in total, including the restarts of every slot', () => {
    const a = newState('a')
    const caps = [100, 1000, 10_000]
    const gens = new DeltaGenerations(caps)
    let pushed = 0
    let referenceCopies = 0
    for (let i = 0; i < 12_000; i++) {
      const d = oneJoin(a, i)
      pushed += deltaSize(d)
      gens.push(d, a.delta)
      // What the copying reference merges per push: every generation.
      for (const g of gens.deltas) referenceCopies += deltaSize(g)
    }
    const last = gens.deltas[caps.length - 1]
    assert.ok(last && deltaSize(last) < pushed, 'even the largest generation has restarted')
    // Growing caps [100, 1000, 10000]: a restart copies ≤ caps[i-1] once per
    // caps[i] - caps[i-1] entries, so well under one copied entry per pushed entry.
    assert.ok(gens.copiedEntries <= pushed / 4, `copied ${gens.copiedEntries} for ${pushed}`)
    assert.ok(referenceCopies > 1000 * pushed, 'the reference copies every generation')
  })
})
