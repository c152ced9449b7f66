// Presence.syncDiff's mutation contract and cost (phoenix PR #3510): a
// null-prototype state is updated in place in O(diff); anything else is copied once; entries,
// metas arrays and diffs are never mutated; results match phoenix.js on random diff chains.
import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import fc from 'fast-check'
import {
  Presence as PhoenixPresence,
  type PresenceDiff as PhoenixDiff,
  type PresenceState as PhoenixState,
} from '@plume/testkit/phoenix'
import { Presence, Socket, type PresenceDiff, type PresenceState } from '@plume/client'
import { FakeTransport } from './support/fake-transport.js'
import { ManualScheduler } from '@plume/tracker'

type Meta = { id?: number; phx_ref: string }
const plain = (v: unknown): unknown => JSON.parse(JSON.stringify(v))
const nullProto = (o: Record<string, { metas: Meta[] }>): PresenceState<Meta> =>
  Object.assign(Object.create(null) as PresenceState<Meta>, o)
const deepFreeze = <T>(v: T): T => {
  if (typeof v === 'object' && v !== null) {
    for (const k of Object.getOwnPropertyNames(v)) deepFreeze((v as Record<string, unknown>)[k])
    Object.freeze(v)
  }
  return v
}

describe('Presence.syncDiff mutation contract', () => {
  it('updates a null-prototype state in place and returns it', () => {
    const state = nullProto({ u1: { metas: [{ id: 1, phx_ref: '1' }] } })
    const result = Presence.syncDiff(state, {
      joins: { u2: { metas: [{ id: 2, phx_ref: '2' }] } },
      leaves: { u1: { metas: [{ id: 1, phx_ref: '1' }] } },
    })
    assert.equal(result, state)
    assert.deepEqual(Object.getOwnPropertyNames(state), ['u2'])
  })

  it('replaces touched entries instead of mutating them (onJoin sees the old entry)', () => {
    const u1 = { metas: [{ id: 1, phx_ref: 'a' }] }
    const u1Metas = u1.metas
    const state = nullProto({ u1 })
    const seen: unknown[] = []
    Presence.syncDiff(
      state,
      {
        joins: { u1: { metas: [{ id: 1, phx_ref: 'b' }] } },
        leaves: { u1: { metas: [{ id: 1, phx_ref: 'a' }] } },
      },
      (_k, cur) => seen.push(cur),
    )
    assert.equal(seen[0], u1, 'onJoin gets the entry object that was in the state')
    assert.equal(u1.metas, u1Metas)
    assert.deepEqual(u1Metas, [{ id: 1, phx_ref: 'a' }], 'old metas array untouched')
    assert.notEqual(state['u1'], u1)
    assert.deepEqual(plain(state['u1']), { metas: [{ id: 1, phx_ref: 'b' }] })
  })

  it('never mutates the diff, its metas, or the entries of the state (all frozen)', () => {
    const state = nullProto({
      u1: { metas: [{ id: 1, phx_ref: '1' }] },
      u2: { metas: [{ id: 2, phx_ref: '2' }] },
    })
    for (const key of Object.getOwnPropertyNames(state)) deepFreeze(state[key])
    const diff: PresenceDiff<Meta> = deepFreeze({
      joins: { u1: { metas: [{ id: 1, phx_ref: '1.1' }] }, u3: { metas: [{ phx_ref: '3' }] } },
      leaves: { u2: { metas: [{ id: 2, phx_ref: '2' }] }, u1: { metas: [{ phx_ref: '1' }] } },
    })
    const before = plain(diff)
    // Writing to any frozen object throws in strict mode (ES modules), so this also proves it.
    const result = Presence.syncDiff(state, diff)
    assert.deepEqual(plain(diff), before)
    assert.deepEqual(plain(result), {
      u1: { metas: [{ id: 1, phx_ref: '1.1' }] },
      u3: { metas: [{ phx_ref: '3' }] },
    })
  })

  it('copies a state with a prototype once into a null-prototype map, then works in place', () => {
    const presences: PresenceState<Meta> = { u1: { metas: [{ id: 1, phx_ref: '1' }] } }
    const before = plain(presences)
    const first = Presence.syncDiff(presences, {
      joins: { u2: { metas: [{ id: 2, phx_ref: '2' }] } },
      leaves: {},
    })
    assert.notEqual(first, presences)
    assert.equal(Object.getPrototypeOf(first), null)
    assert.deepEqual(plain(presences), before, 'the caller’s object is untouched')
    assert.deepEqual(Object.getOwnPropertyNames(first), ['u1', 'u2'])
    const second = Presence.syncDiff(first, { joins: {}, leaves: { u1: presences['u1']! } })
    assert.equal(second, first)
    assert.deepEqual(Object.getOwnPropertyNames(second), ['u2'])
  })

  it('throws on a frozen null-prototype state (as phoenix.js); a spread copy works', () => {
    const frozen = Object.freeze(nullProto({ u1: { metas: [{ phx_ref: '1' }] } }))
    const diff = { joins: { u2: { metas: [{ phx_ref: '2' }] } }, leaves: {} }
    assert.throws(() => Presence.syncDiff(frozen, diff), TypeError)
    const result = Presence.syncDiff({ ...frozen }, diff)
    assert.deepEqual(Object.getOwnPropertyNames(result), ['u1', 'u2'])
    assert.deepEqual(Object.getOwnPropertyNames(frozen), ['u1'])
  })

  it('keeps __proto__ and constructor as plain keys, in place and when converting', () => {
    const wire =
      '{"__proto__":{"metas":[{"phx_ref":"p"}]},"constructor":{"metas":[{"phx_ref":"c"}]}}'
    const converted = Presence.syncDiff(JSON.parse(wire) as PresenceState<Meta>, {
      joins: {},
      leaves: {},
    })
    assert.equal(Object.getPrototypeOf(converted), null)
    assert.deepEqual(Object.getOwnPropertyNames(converted), ['__proto__', 'constructor'])
    const joins = JSON.parse('{"__proto__":{"metas":[{"phx_ref":"p2"}]}}') as PresenceState<Meta>
    const leaves = JSON.parse('{"constructor":{"metas":[{"phx_ref":"c"}]}}') as PresenceState<Meta>
    const result = Presence.syncDiff(converted, { joins, leaves })
    assert.equal(result, converted)
    assert.equal(Object.getPrototypeOf(result), null)
    assert.deepEqual(plain(Presence.list(result)), [
      { metas: [{ phx_ref: 'p' }, { phx_ref: 'p2' }] },
    ])
    assert.deepEqual(Object.getOwnPropertyNames(result), ['__proto__'])
    assert.equal(({} as Record<string, unknown>)['metas'], undefined, 'Object.prototype untouched')
  })
})

describe('Presence instance state', () => {
  it('a diff updates presence.state in place; a presence_state replaces it', () => {
    FakeTransport.reset()
    const socket = new Socket('ws://h/socket', {
      transport: FakeTransport,
      scheduler: new ManualScheduler(),
      page: null,
    })
    socket.connect()
    const t = FakeTransport.last
    t.open()
    const channel = socket.channel('room:1')
    const presence = new Presence(channel)
    channel.join()
    t.reply('phx_join')
    t.receive(channel.joinRef(), null, 'room:1', 'presence_state', {
      a: { metas: [{ phx_ref: '1' }] },
    })
    const synced = presence.state
    assert.equal(Object.getPrototypeOf(synced), null)
    t.receive(null, null, 'room:1', 'presence_diff', {
      joins: { b: { metas: [{ phx_ref: '2' }] } },
      leaves: {},
    })
    assert.equal(presence.state, synced)
    assert.deepEqual(Object.getOwnPropertyNames(synced), ['a', 'b'])
    t.receive(channel.joinRef(), null, 'room:1', 'presence_state', {
      b: { metas: [{ phx_ref: '2' }] },
    })
    assert.notEqual(presence.state, synced)
    assert.deepEqual(Object.getOwnPropertyNames(synced), ['a', 'b'], 'the old map is kept as is')
    assert.deepEqual(Object.getOwnPropertyNames(presence.state), ['b'])
    socket.disconnect()
  })
})

describe('Presence.syncState mutation contract', () => {
  it('never mutates current, even with a null prototype, and returns a new map', () => {
    const current = nullProto({ u1: { metas: [{ id: 1, phx_ref: '1' }] } })
    const next = { u2: { metas: [{ id: 2, phx_ref: '2' }] } }
    const result = Presence.syncState(current, next)
    assert.notEqual(result, current)
    assert.deepEqual(Object.getOwnPropertyNames(current), ['u1'])
    assert.deepEqual(plain(result), next)
    assert.deepEqual(plain(next), { u2: { metas: [{ id: 2, phx_ref: '2' }] } })
  })
})

/** A null-prototype state of n keys behind a Proxy that counts every operation on it. */
function countedState(n: number): { state: PresenceState<Meta>; ops: Map<string, number> } {
  const target = Object.create(null) as PresenceState<Meta>
  for (let i = 0; i < n; i++) target[`u${i}`] = { metas: [{ id: i, phx_ref: `r${i}` }] }
  const ops = new Map<string, number>()
  const count = (trap: string): void => void ops.set(trap, (ops.get(trap) ?? 0) + 1)
  const traps = [
    'get',
    'set',
    'has',
    'deleteProperty',
    'ownKeys',
    'getOwnPropertyDescriptor',
    'defineProperty',
    'getPrototypeOf',
  ] as const
  const handler: ProxyHandler<PresenceState<Meta>> = {}
  for (const trap of traps) {
    ;(handler as Record<string, unknown>)[trap] = (...args: unknown[]) => {
      count(trap)
      return (Reflect[trap] as (...a: unknown[]) => unknown)(...args)
    }
  }
  return { state: new Proxy(target, handler), ops }
}

describe('Presence.syncDiff cost', () => {
  const diff = (): PresenceDiff<Meta> => ({
    joins: { u0: { metas: [{ id: 0, phx_ref: 'r0.new' }] }, fresh: { metas: [{ phx_ref: 'f' }] } },
    leaves: { u1: { metas: [{ id: 1, phx_ref: 'r1' }] }, u2: { metas: [{ phx_ref: 'nope' }] } },
  })

  it('touches the state a number of times that does not grow with its size', () => {
    const counts = [10, 1_000, 50_000].map((n) => {
      const { state, ops } = countedState(n)
      const result = Presence.syncDiff(state, diff())
      const during = Object.fromEntries(ops)
      assert.equal(result, state, 'worked in place')
      assert.equal(Object.getOwnPropertyNames(state).length, n, 'one key in, one key out')
      return during
    })
    assert.equal(counts[0]?.['ownKeys'], undefined, 'the state keys are never listed')
    assert.ok(Object.values(counts[0] ?? {}).reduce((a, b) => a + b, 0) < 30, 'a handful of ops')
    assert.deepEqual(counts[1], counts[0])
    assert.deepEqual(counts[2], counts[0])
  })
})

describe('Presence.syncDiff matches phoenix.js on random diff chains', () => {
  const seed = Number(process.env['FC_SEED'] ?? 3510)
  const key = fc.constantFrom('a', 'b', 'c', '__proto__', 'constructor')
  const metas = fc.array(
    fc.record({ phx_ref: fc.constantFrom('1', '2', '3', '4'), n: fc.nat(9) }),
    { minLength: 1, maxLength: 3 },
  )
  const side = fc.dictionary(key, fc.record({ metas }), { maxKeys: 3 })
  const diffs = fc.array(fc.record({ joins: side, leaves: side }), { maxLength: 8 })

  it(`same final state, inputs untouched (seed ${seed})`, () => {
    console.log(`fast-check seed: ${seed} (set FC_SEED to change)`)
    fc.assert(
      fc.property(diffs, (chain) => {
        const copies = plain(chain) as PresenceDiff[]
        let ours: PresenceState = {}
        let theirs: PhoenixState = {}
        for (const [i, d] of chain.entries()) {
          ours = Presence.syncDiff(ours, d)
          theirs = PhoenixPresence.syncDiff(theirs, plain(d) as PhoenixDiff)
          assert.deepEqual(plain(ours), plain(theirs))
          assert.equal(Object.getPrototypeOf(ours), null)
          assert.deepEqual(plain(d), copies[i])
        }
      }),
      { seed, numRuns: 300 },
    )
  })
})
