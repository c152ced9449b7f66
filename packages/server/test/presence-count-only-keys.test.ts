// A count-only topic's count follows the diff stream instead of listing the topic: after
// any sequence of tracks, untracks and updates (several presences per key, counts asked at
// any moment, the topic emptied and refilled) it equals the number of distinct keys the
// tracker lists. The seed is printed; replay with FC_SEED=<seed>.
import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import fc from 'fast-check'
import { harness } from './presence-support.js'

const SEED = Number(process.env['FC_SEED'] ?? Math.floor(Math.random() * 2 ** 31))
console.log(`presence count-only keys seed=${SEED} (replay with FC_SEED=${SEED})`)

const T = 'room:counted'
const KEYS = ['a', 'b', 'c', 'd']
const OWNERS = ['o1', 'o2', 'o3']

type Op = { kind: 'track' | 'untrack' | 'update'; owner: number; key: number } | { kind: 'count' }

const opArb: fc.Arbitrary<Op> = fc.oneof(
  fc.record({
    kind: fc.constantFrom('track' as const, 'untrack' as const, 'update' as const),
    owner: fc.nat(OWNERS.length - 1),
    key: fc.nat(KEYS.length - 1),
  }),
  fc.record({ kind: fc.constant('count' as const) }),
)

describe('count-only key counts', () => {
  it('always equal the distinct keys the tracker lists', async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(opArb, { maxLength: 40 }), async (ops) => {
        const h = await harness({ countOnly: (topic) => topic === T })
        const tracked = new Set<string>()
        const distinct = (): number => new Set(h.tracker.list(T).map(([key]) => key)).size
        try {
          for (const op of ops) {
            if (op.kind === 'count') {
              assert.equal(h.presence.count(T), distinct())
              continue
            }
            const owner = OWNERS[op.owner] ?? ''
            const key = KEYS[op.key] ?? ''
            const id = `${owner}/${key}`
            if (op.kind === 'track' && !tracked.has(id)) {
              h.presence.track(owner, T, key, {})
              tracked.add(id)
            } else if (op.kind === 'untrack' && tracked.delete(id)) {
              h.presence.untrack(owner, T, key)
            } else if (op.kind === 'update' && tracked.has(id)) {
              h.presence.update(owner, T, key, { at: ops.length })
            }
          }
          assert.equal(h.presence.count(T), distinct())
        } finally {
          await h.close()
        }
      }),
      { seed: SEED, numRuns: 200 },
    )
  })
})
