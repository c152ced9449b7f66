// Envelope codec by example: the exact wire format, what BAD_MESSAGE refuses at encode time,
// and what BAD_ENVELOPE refuses at decode time (without ever crashing the process).

import assert from 'node:assert/strict'
import { Buffer } from 'node:buffer'
import { describe, it } from 'node:test'
import {
  decodeEnvelope,
  encodeEnvelope,
  MemoryBus,
  PubSub,
  PubSubError,
  silentLogger,
  type Envelope,
  type Message,
} from '@plume/pubsub'

const base: Omit<Envelope, 'message'> = {
  v: 1,
  mode: 'except',
  node: 'a',
  sender: 'a',
  topic: 't',
  dispatcher: 'default',
}
const env = (message: Message): Envelope => ({ ...base, message })
const roundTrip = (message: Message): Message =>
  decodeEnvelope(encodeEnvelope(env(message))).message

describe('encodeEnvelope wire format', () => {
  it('tags bytes as {"$bytes": base64} and escapes single-$-key objects as {"$": …}', () => {
    const text = encodeEnvelope(
      env({
        b: new Uint8Array([1, 2, 3]),
        lit: { $bytes: 'x' },
        esc: { $: 1 },
        two: { $a: 1, b: 2 },
      }),
    )
    assert.equal(
      text,
      '{"v":1,"mode":"except","node":"a","sender":"a","topic":"t","dispatcher":"default",' +
        '"message":{"b":{"$bytes":"AQID"},"lit":{"$":{"$bytes":"x"}},"esc":{"$":{"$":1}},' +
        '"two":{"$a":1,"b":2}}}',
    )
  })

  it('round-trips bytes, views and Buffers as plain Uint8Array', () => {
    const view = new Uint8Array([0, 1, 2, 3, 4]).subarray(1, 4)
    const got = roundTrip({ view, buf: Buffer.from([255, 0]), empty: new Uint8Array(0) })
    assert.deepStrictEqual(got, {
      view: new Uint8Array([1, 2, 3]),
      buf: new Uint8Array([255, 0]),
      empty: new Uint8Array(0),
    })
  })

  it('follows JSON for undefined members, toJSON and shared (non-cyclic) references', () => {
    const shared = { s: 1 }
    const date = new Date(0)
    assert.deepStrictEqual(
      roundTrip({ u: undefined, a: [undefined, 1], date, x: shared, y: shared }),
      {
        a: [null, 1],
        date: '1970-01-01T00:00:00.000Z',
        x: { s: 1 },
        y: { s: 1 },
      },
    )
  })

  it('keeps "__proto__" an own key and never touches prototypes', () => {
    const message = JSON.parse('{"__proto__":{"polluted":true}}') as Message
    const got = roundTrip(message) as Record<string, unknown>
    assert.deepStrictEqual(Object.keys(got), ['__proto__'])
    assert.equal(Object.getPrototypeOf(got), Object.prototype)
    assert.equal(({} as Record<string, unknown>)['polluted'], undefined)
  })
})

describe('encodeEnvelope refuses what cannot cross the wire', () => {
  const cyclic: Record<string, unknown> = {}
  cyclic['self'] = cyclic
  let deep: unknown = null
  for (let i = 0; i < 100_000; i++) deep = [deep]
  const cases: [string, Message][] = [
    ['undefined', undefined],
    ['bigint', { n: 1n }],
    ['function', { f: () => 1 }],
    ['symbol', [Symbol('s')]],
    ['NaN', { n: NaN }],
    ['Infinity', [Infinity]],
    ['Map', { m: new Map() }],
    ['Set', new Set([1])],
    ['Float32Array', new Float32Array(2)],
    ['ArrayBuffer', { b: new ArrayBuffer(2) }],
    ['cycle', cyclic],
    ['too deep', deep],
  ]
  for (const [name, message] of cases) {
    it(`${name} -> BAD_MESSAGE`, () => {
      assert.throws(() => encodeEnvelope(env(message)), {
        name: 'PubSubError',
        code: 'BAD_MESSAGE',
      })
    })
  }

  it('names the offending path', () => {
    assert.throws(
      () => encodeEnvelope(env({ a: [0, { b: 1n }] })),
      /message\.a\[1\]\.b is a bigint/,
    )
  })
})

describe('decodeEnvelope rejects bad input with BAD_ENVELOPE', () => {
  const good = JSON.parse(encodeEnvelope(env(1))) as Record<string, unknown>
  const variant = (patch: Record<string, unknown>): string => JSON.stringify({ ...good, ...patch })
  const { message: _omitted, ...noMessage } = good
  const cases: [string, string][] = [
    ['not JSON', '{"v":1,'],
    ['an array', '[1]'],
    ['null', 'null'],
    ['unknown version', variant({ v: 2 })],
    ['bad mode', variant({ mode: 'all' })],
    ['non-string node', variant({ node: 7 })],
    ['missing topic', variant({ topic: undefined })],
    ['non-string dispatcher', variant({ dispatcher: null })],
    ['no message', JSON.stringify(noMessage)],
    ['bad base64', variant({ message: { $bytes: 'A*==' } })],
    ['misaligned base64', variant({ message: { $bytes: 'AAA' } })],
    [
      'deep nesting',
      variant({ message: 0 }).replace(
        '"message":0',
        `"message":${'['.repeat(200_000)}${']'.repeat(200_000)}`,
      ),
    ],
  ]
  for (const [name, text] of cases) {
    it(name, () => {
      assert.throws(() => decodeEnvelope(text), { name: 'PubSubError', code: 'BAD_ENVELOPE' })
    })
  }

  it('accepts a valid envelope as is', () => {
    assert.deepStrictEqual(decodeEnvelope(variant({ mode: 'only', node: 'b' })), {
      ...base,
      mode: 'only',
      node: 'b',
      message: 1,
    })
  })
})

const isBadMessage = (error: unknown): boolean =>
  error instanceof PubSubError && error.code === 'BAD_MESSAGE'

// A message whose toJSON() yields undefined is, like `undefined` itself, not sendable: an
// envelope without a "message" would look sent while every receiver drops it.
describe('encodeEnvelope with a top-level toJSON returning undefined', () => {
  it('throws BAD_MESSAGE instead of emitting an envelope without a message', () => {
    const message = { toJSON: (): undefined => undefined }
    assert.throws(
      () =>
        encodeEnvelope({
          v: 1,
          mode: 'except',
          node: 'a',
          sender: 'a',
          topic: 't',
          dispatcher: 'default',
          message,
        }),
      isBadMessage,
    )
  })

  it('rejects the broadcast on the sending node', async () => {
    const bus = new MemoryBus({ logger: silentLogger })
    const a = new PubSub({ adapter: bus.adapter('a'), logger: silentLogger })
    const b = new PubSub({ adapter: bus.adapter('b'), logger: silentLogger })
    await Promise.all([a.start(), b.start()])
    try {
      await assert.rejects(a.broadcast('t', { toJSON: () => undefined }), isBadMessage)
    } finally {
      await Promise.all([a.close(), b.close()])
    }
  })
})
