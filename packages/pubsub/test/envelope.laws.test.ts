// Properties of the envelope codec: decode(encode(x)) equals x for every carried value
// (bytes, unicode, tag lookalikes, "__proto__" keys), and decode never throws anything but
// BAD_ENVELOPE. The seed is printed; rerun a failure with FC_SEED=<seed>.

import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import fc from 'fast-check'
import {
  decodeEnvelope,
  encodeEnvelope,
  envelopeHeaderFilter,
  PubSubError,
  type Envelope,
} from '@plume/pubsub'

const seed = Number(process.env['FC_SEED'] ?? Math.floor(Math.random() * 2 ** 31))
console.log(`envelope.laws: fast-check seed ${seed} (rerun with FC_SEED=${seed})`)
const params = { seed, numRuns: 300 }

const key = fc.oneof(
  fc.string({ unit: 'binary', maxLength: 6 }),
  fc.constantFrom('$', '$bytes', '$$', '__proto__', 'constructor', 'toString'),
)
const leaf = fc.oneof(
  fc.constant(null),
  fc.boolean(),
  fc.integer(),
  fc.double({ noNaN: true, noDefaultInfinity: true }).filter((n) => !Object.is(n, -0)),
  fc.string({ unit: 'binary', maxLength: 20 }),
  fc.uint8Array({ maxLength: 40 }),
)
const { value } = fc.letrec<{ value: unknown }>((tie) => ({
  value: fc.oneof(
    { depthSize: 'small', withCrossShrink: true },
    leaf,
    fc.array(tie('value'), { maxLength: 4 }),
    fc.dictionary(key, tie('value'), { maxKeys: 4, noNullPrototype: true }),
  ),
}))
const envelope: fc.Arbitrary<Envelope> = fc.record(
  {
    v: fc.constant(1 as const),
    mode: fc.constantFrom('except' as const, 'only' as const),
    node: fc.string({ unit: 'binary' }),
    sender: fc.string({ unit: 'binary' }),
    topic: fc.string({ unit: 'binary' }),
    dispatcher: fc.string({ unit: 'binary' }),
    message: value,
  },
  { noNullPrototype: true },
)

describe('envelope codec laws', () => {
  it('decode(encode(env)) deep-equals env', () => {
    fc.assert(
      fc.property(envelope, (env) => {
        assert.deepStrictEqual(decodeEnvelope(encodeEnvelope(env)), env)
      }),
      params,
    )
  })

  it('encoding is deterministic and yields well-formed JSON', () => {
    fc.assert(
      fc.property(envelope, (env) => {
        const text = encodeEnvelope(env)
        assert.equal(encodeEnvelope(env), text)
        assert.equal(/\p{Cs}/u.test(text), false) // lone surrogates travel as \\u escapes
      }),
      params,
    )
  })

  it('the header filter skips exactly the envelopes the full filter would not deliver', () => {
    const names = fc.oneof(fc.string({ unit: 'binary', maxLength: 4 }), fc.constantFrom('a', 'ab'))
    fc.assert(
      fc.property(envelope, names, fc.boolean(), (env, me, sameNode) => {
        const sent = sameNode ? { ...env, node: me } : env
        const forMe = sent.mode === 'only' ? sent.node === me : sent.node !== me
        assert.equal(envelopeHeaderFilter(me)(encodeEnvelope(sent)), !forMe)
      }),
      params,
    )
  })

  it('decode of arbitrary or corrupted text returns an envelope or throws BAD_ENVELOPE', () => {
    const corrupted = fc
      .tuple(envelope, fc.nat(), fc.string({ maxLength: 3 }))
      .map(([env, at, junk]) => {
        const text = encodeEnvelope(env)
        const i = at % (text.length + 1)
        return text.slice(0, i) + junk + text.slice(i + junk.length)
      })
    fc.assert(
      fc.property(fc.oneof(fc.string(), fc.json(), corrupted), (text) => {
        try {
          decodeEnvelope(text)
        } catch (error) {
          assert.ok(error instanceof PubSubError, `unexpected ${String(error)}`)
          assert.equal(error.code, 'BAD_ENVELOPE')
        }
      }),
      params,
    )
  })
})
