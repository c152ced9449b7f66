// Round-trip properties: whatever the client encodes the server decodes to the same message,
// and whatever the server encodes the client decodes to the message phoenix.js expects
// (binary pushes lose their ref; empty refs come back as null). Seeds are printed.

import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import fc from 'fast-check'
import {
  replyMessage,
  v1Serializer,
  v2ClientSerializer as client,
  v2Serializer as server,
  type Message,
} from '@plume/protocol'

const seed = Number(process.env['FC_SEED'] ?? Date.now() % 2 ** 31)
console.log(`roundtrip properties seed=${seed} (rerun with FC_SEED=${seed})`)
const params = { seed, numRuns: 200 }

// Header fields stay well under 255 bytes; graphemes avoid lone surrogates, which UTF-8 cannot carry.
const field = fc.string({ unit: 'grapheme', maxLength: 12 })
const ref = fc.option(fc.string({ unit: 'grapheme', minLength: 1, maxLength: 8 }))
const bytes = fc.uint8Array({ maxLength: 40 })
const object = fc.dictionary(fc.string(), fc.jsonValue(), { maxKeys: 4 })
const viaJson = (value: unknown): unknown => JSON.parse(JSON.stringify(value)) as unknown

function message<T>(payload: fc.Arbitrary<T>): fc.Arbitrary<Message<T>> {
  return fc.record({ joinRef: ref, ref, topic: field, event: field, payload })
}

describe('client → server', () => {
  it('text frames round-trip (JSON payloads of any shape)', () => {
    fc.assert(
      fc.property(message(fc.jsonValue()), (m) => {
        assert.deepEqual(server.decode(client.encode(m)), { ...m, payload: viaJson(m.payload) })
      }),
      params,
    )
  })

  it('binary pushes round-trip, refs included', () => {
    fc.assert(
      fc.property(message(bytes), (m) => {
        const frame = client.encode(m)
        assert.ok(frame instanceof Uint8Array)
        assert.deepEqual(server.decode(frame), { ...m })
      }),
      params,
    )
  })
})

describe('server → client', () => {
  it('text frames round-trip (object payloads)', () => {
    fc.assert(
      fc.property(message(object), (m) => {
        assert.deepEqual(client.decode(server.encode(m)), { ...m, payload: viaJson(m.payload) })
      }),
      params,
    )
  })

  it('binary replies (kind 1) round-trip', () => {
    fc.assert(
      fc.property(ref, ref, field, field, bytes, (joinRef, r, topic, status, response) => {
        const m = replyMessage(joinRef, r, topic, status, response)
        const frame = server.encode(m)
        assert.ok(frame instanceof Uint8Array && frame[0] === 1)
        assert.deepEqual(client.decode(frame), m)
      }),
      params,
    )
  })

  it('binary broadcasts (kind 2) and pushes (kind 0) decode as phoenix.js decodes them', () => {
    fc.assert(
      fc.property(message(bytes), (m) => {
        const frame = server.encode(m)
        const isBroadcast = m.joinRef === null && m.ref === null
        assert.ok(frame instanceof Uint8Array && frame[0] === (isBroadcast ? 2 : 0))
        // The server push layout has no ref field: the client always sees ref null.
        assert.deepEqual(client.decode(frame), { ...m, ref: null })
      }),
      params,
    )
  })
})

describe('V1', () => {
  it('server encode → server decode keeps everything but join_ref', () => {
    fc.assert(
      fc.property(message(object), (m) => {
        const decoded = v1Serializer.decode(v1Serializer.encode(m))
        assert.deepEqual(decoded, { ...m, joinRef: null, payload: viaJson(m.payload) })
      }),
      params,
    )
  })
})
