// Diff coalescing keeps clients exact: whatever a topic's diffs were (joins, leaves, updates,
// a replica going down and coming back with the same refs) and however they are cut into
// windows, a member that applies the merged diffs with the official phoenix.js Presence ends
// with exactly the server's presences. The seed is printed; replay with FC_SEED=<seed>.
import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import fc from 'fast-check'
import type { Meta, PresenceDiff } from '@plume/tracker'
import { Presence as PhoenixPresence } from '@plume/testkit/phoenix'
import { DiffBatch } from '../src/presence/diff-batch.js'
import { diffPayload, groupByKey, type PresenceMap } from '../src/presence/grouping.js'

const SEED = Number(process.env['FC_SEED'] ?? Date.now() % 2 ** 31)
console.log(`presence diff coalescing seed=${SEED} (replay with FC_SEED=${SEED})`)

type Op =
  | { kind: 'join'; key: number }
  | { kind: 'leave'; pick: number }
  | { kind: 'update'; pick: number }
  | { kind: 'bounce'; picks: number[] }

const KEYS = ['a', 'b', '__proto__', 'constructor']
const opArb: fc.Arbitrary<Op> = fc.oneof(
  fc.record({ kind: fc.constant('join' as const), key: fc.nat(KEYS.length - 1) }),
  fc.record({ kind: fc.constant('leave' as const), pick: fc.nat() }),
  fc.record({ kind: fc.constant('update' as const), pick: fc.nat() }),
  fc.record({ kind: fc.constant('bounce' as const), picks: fc.array(fc.nat(), { maxLength: 3 }) }),
)

/** A topic's presences as the tracker holds them, producing one diff per operation. */
class Topic {
  readonly present: Array<[string, Meta]> = []
  #next = 0

  apply(op: Op): PresenceDiff[] {
    if (op.kind === 'join') return [this.#join(KEYS[op.key] ?? 'a')]
    if (this.present.length === 0) return []
    const at = (n: number) => n % this.present.length
    if (op.kind === 'leave') return [{ joins: [], leaves: this.present.splice(at(op.pick), 1) }]
    if (op.kind === 'update') return [this.#update(at(op.pick))]
    // A replica going down, then up again: the same presences leave, then join back.
    const gone = [...new Set(op.picks.map(at))].map((i) => this.present[i] as [string, Meta])
    return [
      { joins: [], leaves: gone },
      { joins: gone, leaves: [] },
    ]
  }

  #join(key: string): PresenceDiff {
    const entry: [string, Meta] = [key, { phx_ref: `r${++this.#next}`, n: this.#next }]
    this.present.push(entry)
    return { joins: [entry], leaves: [] }
  }

  #update(i: number): PresenceDiff {
    const [old] = this.present.splice(i, 1) as [[string, Meta]]
    const entry: [string, Meta] = [
      old[0],
      { phx_ref: `r${++this.#next}`, phx_ref_prev: old[1]['phx_ref'] },
    ]
    this.present.push(entry)
    return { joins: [entry], leaves: [old] }
  }
}

// Pairs, not an object: `__proto__` is one of the keys.
function refsByKey(map: PresenceMap): Array<[string, string[]]> {
  return Object.keys(map)
    .sort()
    .map((key) => [key, (map[key]?.metas ?? []).map((m) => String(m['phx_ref'])).sort()])
}

function merged(diffs: readonly PresenceDiff[]): PresenceDiff {
  const batch = new DiffBatch()
  for (const diff of diffs) batch.add(diff)
  return batch.take()
}

// A wire round trip, as a member would see it.
function wire<T>(value: T): T {
  return JSON.parse(JSON.stringify(value)) as T
}

describe('coalesced presence diffs', () => {
  it('leave clients with exactly the server state, however the diffs are windowed', () => {
    const scenario = fc.record({
      before: fc.array(opArb, { maxLength: 8 }),
      during: fc.array(opArb, { maxLength: 40 }),
      cuts: fc.array(fc.nat(40), { maxLength: 8 }),
    })
    fc.assert(
      fc.property(scenario, ({ before, during, cuts }) => {
        const topic = new Topic()
        before.forEach((op) => topic.apply(op))
        let client = wire(groupByKey(topic.present)) as object
        const diffs = during.flatMap((op) => topic.apply(op))
        const bounds = [...new Set([0, ...cuts.filter((c) => c < diffs.length), diffs.length])]
        bounds.sort((x, y) => x - y)
        for (let i = 1; i < bounds.length; i++) {
          const window = merged(diffs.slice(bounds[i - 1], bounds[i]))
          client = PhoenixPresence.syncDiff(client, wire(diffPayload(window)))
        }
        assert.deepEqual(refsByKey(client as PresenceMap), refsByKey(groupByKey(topic.present)))
      }),
      { seed: SEED, numRuns: 500 },
    )
  })
})

describe('DiffBatch', () => {
  const meta = (ref: string): Meta => ({ phx_ref: ref })

  it('cancels a join and a leave of the same presence, in either order', () => {
    const batch = new DiffBatch()
    batch.add({ joins: [['a', meta('1')]], leaves: [] })
    batch.add({ joins: [], leaves: [['a', meta('1')]] })
    batch.add({ joins: [], leaves: [['b', meta('2')]] })
    batch.add({ joins: [['b', meta('2')]], leaves: [] })
    assert.equal(batch.diffs, 4)
    assert.equal(batch.empty, true)
    assert.deepEqual(batch.take(), { joins: [], leaves: [] })
  })

  it('keeps the net change of an update chain: the first meta leaves, the last one joins', () => {
    const batch = new DiffBatch()
    batch.add({ joins: [['a', meta('2')]], leaves: [['a', meta('1')]] })
    batch.add({ joins: [['a', meta('3')]], leaves: [['a', meta('2')]] })
    assert.deepEqual(batch.take(), { joins: [['a', meta('3')]], leaves: [['a', meta('1')]] })
    assert.equal(batch.diffs, 0)
  })

  it('tells equal refs of different keys apart', () => {
    const batch = new DiffBatch()
    batch.add({ joins: [['a', meta('1')]], leaves: [['b', meta('1')]] })
    assert.deepEqual(batch.take(), { joins: [['a', meta('1')]], leaves: [['b', meta('1')]] })
  })
})
