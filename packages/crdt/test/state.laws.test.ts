// fast-check laws of the CRDT: idempotent merge, delivery order does not
// change the visible set, a delta stream and the full state agree, compaction preserves
// membership, and the sum of reported diffs equals the visible state. The seed is printed.
import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import fc from 'fast-check'
import { seen, tagKey } from '@plume/crdt'
import type { Delta, Entry, TrackerState } from '@plume/crdt'
import { newState, snapshot, tags } from './support.js'

const SEED = Number(process.env['FC_SEED'] ?? Date.now() % 2 ** 31)
console.log(`crdt laws seed=${SEED} (replay with FC_SEED=${SEED})`)
const RUNS = 150

type Op = { k: 'join' | 'leave' | 'update' | 'flush'; r: number; a: number; b: number }
const opArb: fc.Arbitrary<Op> = fc.record({
  k: fc.constantFrom('join', 'join', 'leave', 'update', 'flush'),
  r: fc.nat(2),
  a: fc.nat(4),
  b: fc.nat(3),
})

function mulberry(seed: number): () => number {
  let t = seed >>> 0
  return () => {
    t = (t + 0x6d2b79f5) >>> 0
    let x = Math.imul(t ^ (t >>> 15), 1 | t)
    x ^= x + Math.imul(x ^ (x >>> 7), 61 | x)
    return ((x ^ (x >>> 14)) >>> 0) / 4294967296
  }
}

function shuffle<T>(xs: T[], rand: () => number): T[] {
  const out = [...xs]
  for (let i = out.length - 1; i > 0; i--) {
    const j = Math.floor(rand() * (i + 1))
    ;[out[i], out[j]] = [out[j] as T, out[i] as T]
  }
  return out
}

/** Runs the ops on three producers; returns them and every delta they emitted, in order. */
function produce(ops: Op[]): { producers: TrackerState[]; deltas: Delta[] } {
  const producers = ['p0', 'p1', 'p2'].map(newState)
  const deltas: Delta[] = []
  for (const op of ops) {
    const p = producers[op.r] as TrackerState
    const owner = `o${op.a}`
    const mine = p.getByOwner(owner)
    if (op.k === 'join' && !p.getLocal(owner, `t${op.b % 2}`, `k${op.b}`))
      p.join(owner, `t${op.b % 2}`, `k${op.b}`, { n: op.a })
    if (op.k === 'leave' && mine[0]) p.leave(owner, mine[0].topic, mine[0].key)
    if (op.k === 'update' && mine[0]) p.update(owner, mine[0].topic, mine[0].key, { n: op.b })
    if (op.k === 'flush') deltas.push(p.resetDelta())
  }
  for (const p of producers) deltas.push(p.resetDelta())
  return { producers, deltas }
}

function receiver(producers: TrackerState[]): TrackerState {
  const r = newState('rx')
  for (const p of producers) r.replicaUp(p.replica)
  return r
}

const truth = (producers: TrackerState[]): string[] => tags(producers.flatMap((p) => p.entries()))
const clockOf = (s: TrackerState, producers: TrackerState[]): number[] =>
  producers.map((p) => s.context.get(p.replica) ?? -1)
const ownClocks = (producers: TrackerState[]): number[] =>
  producers.map((p) => p.context.get(p.replica) ?? -1)
const run = (prop: fc.IProperty<[[Op[], number]]>): void =>
  fc.assert(prop, { seed: SEED, numRuns: RUNS })
const input = fc.tuple(fc.array(opArb, { maxLength: 40 }), fc.nat())

describe('crdt laws', () => {
  it('delivery order and duplication do not change the visible set', () => {
    run(
      fc.property(input, ([ops, s]) => {
        const { producers, deltas } = produce(ops)
        const rand = mulberry(s)
        const inOrder = receiver(producers)
        for (const d of deltas) inOrder.merge(d)
        const shuffled = receiver(producers)
        for (const d of shuffle([...deltas, ...deltas.filter(() => rand() < 0.3)], rand))
          shuffled.merge(d)
        assert.deepEqual(tags(inOrder.entries()), truth(producers))
        assert.deepEqual(tags(shuffled.entries()), truth(producers))
        assert.deepEqual(clockOf(shuffled, producers), ownClocks(producers))
        assert.equal(shuffled.clouds.size, 0)
      }),
    )
  })

  it('merging twice changes nothing (deltas and full states)', () => {
    run(
      fc.property(input, ([ops, s]) => {
        const { producers, deltas } = produce(ops)
        const rx = receiver(producers)
        const rand = mulberry(s) // one generator: a fresh one per call would pick all or none
        const some = deltas.filter(() => rand() < 0.7)
        for (const d of some) rx.merge(d)
        const before = snapshot(rx)
        for (const d of some) assert.deepEqual(rx.merge(d), { joins: [], leaves: [] })
        assert.deepEqual(snapshot(rx), before)
        for (const p of producers) rx.merge(p.extract(rx.context))
        const after = snapshot(rx)
        for (const p of producers)
          assert.deepEqual(rx.merge(p.extract(rx.context)), { joins: [], leaves: [] })
        assert.deepEqual(snapshot(rx), after)
      }),
    )
  })

  it('a delta stream and the full state give the same result', () => {
    run(
      fc.property(input, ([ops]) => {
        const { producers, deltas } = produce(ops)
        const viaDeltas = receiver(producers)
        for (const d of deltas) viaDeltas.merge(d)
        const viaState = receiver(producers)
        for (const p of producers) viaState.merge(p.extract(viaState.context))
        assert.deepEqual(snapshot(viaDeltas), snapshot(viaState))
      }),
    )
  })

  it('compaction preserves membership (seen dots and elements)', () => {
    run(
      fc.property(input, ([ops, s]) => {
        const { producers, deltas } = produce(ops)
        const rand = mulberry(s)
        const rx = receiver(producers)
        for (const d of deltas) if (rand() < 0.6) rx.merge(d)
        const probe = (): boolean[] =>
          producers.flatMap((p) =>
            Array.from({ length: (p.context.get(p.replica) ?? 0) + 1 }, (_, c) =>
              seen(rx.context, rx.clouds, p.replica, c + 1),
            ),
          )
        const before = [probe(), tags(rx.entries())]
        rx.compact()
        assert.deepEqual([probe(), tags(rx.entries())], before)
      }),
    )
  })

  it('the sum of reported diffs equals the visible state (with downs and ups)', () => {
    run(
      fc.property(input, ([ops, s]) => {
        const { producers, deltas } = produce(ops)
        const rand = mulberry(s)
        const rx = receiver(producers)
        const visible = new Map<string, Entry>()
        const apply = (joins: Entry[], leaves: Entry[]): void => {
          for (const e of leaves)
            assert.ok(visible.delete(tagKey(e.replica, e.clock)), 'leave of an unseen element')
          for (const e of joins) {
            assert.ok(!visible.has(tagKey(e.replica, e.clock)), 'duplicate join')
            visible.set(tagKey(e.replica, e.clock), e)
          }
        }
        for (const d of shuffle(deltas, rand)) {
          const p = producers[Math.floor(rand() * producers.length)] as TrackerState
          if (rand() < 0.2) apply([], rx.replicaDown(p.replica))
          if (rand() < 0.2) apply(rx.replicaUp(p.replica), [])
          const r = rx.merge(d)
          apply(r.joins, r.leaves)
        }
        assert.deepEqual(tags(visible.values()), tags(rx.visibleEntries()))
      }),
    )
  })
})
