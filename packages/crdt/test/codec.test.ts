// Wire codec: round trips through JSON text, and validation that turns every
// malformed input into a CrdtError (a peer's bad message must never crash a shard).
import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import fc from 'fast-check'
import { CrdtError, decodeMessage, decodePayload, encodeMessage, encodePayload } from '@plume/crdt'
import type { ReplicationMessage } from '@plume/crdt'
import { connect, newState, ref } from './support.js'

const viaJson = (x: unknown): unknown => JSON.parse(JSON.stringify(x)) as unknown
const isCrdtError = (e: unknown): boolean => e instanceof CrdtError && e.code === 'INVALID_INPUT'

function sample(): ReplicationMessage[] {
  const [a, b] = [newState('a'), newState('b')]
  connect(a, b)
  a.join('o1', 'lobby', 'alice', { phx_ref: 'r1', nested: { x: [1, 2] } })
  a.join('o2', 'lobby', 'bob', {})
  a.leave('o2', 'lobby', 'bob')
  return [
    { t: 'hb', from: a.replica, delta: a.delta, clock: a.gossipClock() },
    { t: 'hb', from: a.replica, delta: null, clock: a.clock() },
    { t: 'treq', from: b.replica, ref: 'req-1', clock: b.clock() },
    { t: 'tack', from: a.replica, ref: 'req-1', payload: a.extract(b.context) },
    { t: 'tack', from: a.replica, ref: 'req-2', payload: a.delta },
    { t: 'perm', from: a.replica },
  ]
}

describe('codec', () => {
  it('round-trips every message kind through JSON text', () => {
    for (const m of sample()) assert.deepStrictEqual(decodeMessage(viaJson(encodeMessage(m))), m)
  })

  it('round-trips payloads', () => {
    const a = newState('a')
    a.join('o', 't', 'k', { v: 1 })
    const state = a.extract(a.context)
    assert.deepStrictEqual(decodePayload(viaJson(encodePayload(state))), state)
    assert.deepStrictEqual(decodePayload(viaJson(encodePayload(a.delta))), a.delta)
  })

  it('uses the suggested JSON shape', () => {
    const a = newState('a')
    a.join('o', 't', 'k', { v: 1 })
    assert.deepStrictEqual(
      viaJson(encodeMessage({ t: 'hb', from: a.replica, delta: a.delta, clock: a.clock() })),
      {
        t: 'hb',
        from: ref('a'),
        clock: { [ref('a')]: 1 },
        delta: {
          mode: 'delta',
          values: [[ref('a'), 1, 'o', 't', 'k', { v: 1 }]],
          clouds: { [ref('a')]: [1] },
          range: [{ [ref('a')]: 0 }, { [ref('a')]: 1 }],
        },
      },
    )
  })

  const bad: Array<[string, unknown]> = [
    ['null', null],
    ['array', []],
    ['unknown type', { t: 'zz', from: 'a#1' }],
    ['type whose toString is null', { t: { toString: null }, from: 'a#1' }],
    ['type whose valueOf is null', { t: { valueOf: null, toString: null }, from: 'a#1' }],
    [
      'type with a throwing toString',
      {
        t: {
          toString: () => {
            throw new Error('trap')
          },
        },
        from: 'a#1',
      },
    ],
    [
      'type that is an object without prototype',
      { t: Object.create(null) as unknown, from: 'a#1' },
    ],
    ['sender whose toString is null', { t: 'perm', from: { toString: null } }],
    ['ref that is an object', { t: 'treq', from: 'a#1', ref: { toString: null }, clock: {} }],
    [
      'context under a __proto__ key',
      {
        t: 'treq',
        from: 'a#1',
        ref: 'x',
        clock: JSON.parse('{"__proto__": {"a#1": 1}}') as unknown,
      },
    ],
    ['bad sender', { t: 'perm', from: 'nohash' }],
    ['hb without clock', { t: 'hb', from: 'a#1', delta: null }],
    ['negative clock', { t: 'hb', from: 'a#1', delta: null, clock: { 'a#1': -1 } }],
    ['fractional clock', { t: 'treq', from: 'a#1', ref: 'x', clock: { 'a#1': 1.5 } }],
    ['bad context key', { t: 'treq', from: 'a#1', ref: 'x', clock: { __proto__x: 1 } }],
    ['empty ref', { t: 'treq', from: 'a#1', ref: '', clock: {} }],
    ['tack without body', { t: 'tack', from: 'a#1', ref: 'x' }],
    [
      'tack state labelled delta',
      {
        t: 'tack',
        from: 'a#1',
        ref: 'x',
        delta: { mode: 'normal', context: {}, clouds: {}, values: [] },
      },
    ],
    [
      'delta without range',
      { t: 'hb', from: 'a#1', clock: {}, delta: { mode: 'delta', values: [], clouds: {} } },
    ],
    [
      'value too short',
      {
        t: 'tack',
        from: 'a#1',
        ref: 'x',
        state: { mode: 'normal', context: {}, clouds: {}, values: [['a#1', 1]] },
      },
    ],
    [
      'value meta not object',
      {
        t: 'tack',
        from: 'a#1',
        ref: 'x',
        state: { mode: 'normal', context: {}, clouds: {}, values: [['a#1', 1, 'o', 't', 'k', 5]] },
      },
    ],
    [
      'value dot zero',
      {
        t: 'tack',
        from: 'a#1',
        ref: 'x',
        state: { mode: 'normal', context: {}, clouds: {}, values: [['a#1', 0, 'o', 't', 'k', {}]] },
      },
    ],
    [
      'cloud not array',
      {
        t: 'tack',
        from: 'a#1',
        ref: 'x',
        state: { mode: 'normal', context: {}, clouds: { 'a#1': 3 }, values: [] },
      },
    ],
  ]
  for (const [name, input] of bad) {
    it(`rejects ${name} with CrdtError INVALID_INPUT`, () => {
      assert.throws(() => decodeMessage(input), isCrdtError)
    })
  }

  it('never throws anything but CrdtError on arbitrary or mutated input (fast-check)', () => {
    const seed = Number(process.env['FC_SEED'] ?? Date.now() % 2 ** 31)
    console.log(`codec fuzz seed=${seed}`)
    const wire = sample().map((m) => viaJson(encodeMessage(m)))
    const mutate = (x: unknown, path: number[], value: unknown): unknown => {
      if (path.length === 0 || typeof x !== 'object' || x === null) return value
      const copy: Record<string, unknown> = Array.isArray(x)
        ? (Array.from(x as unknown[]) as unknown as Record<string, unknown>)
        : { ...(x as Record<string, unknown>) }
      const ks = Object.keys(copy)
      if (ks.length === 0) return value
      const k = ks[(path[0] ?? 0) % ks.length] ?? ''
      copy[k] = mutate(copy[k], path.slice(1), value)
      return copy
    }
    fc.assert(
      fc.property(
        fc.oneof(
          fc.jsonValue(),
          fc
            .tuple(fc.nat(wire.length - 1), fc.array(fc.nat(), { maxLength: 6 }), fc.jsonValue())
            .map(([i, p, v]) => mutate(wire[i], p, v)),
        ),
        (input) => {
          try {
            decodeMessage(input)
          } catch (e) {
            if (!isCrdtError(e)) throw e
          }
        },
      ),
      { seed, numRuns: 500 },
    )
  })
})
