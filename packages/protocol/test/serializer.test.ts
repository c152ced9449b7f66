// Port of phoenix.js assets/test/serializer_test.js against v2ClientSerializer,
// plus the client-side decode rules.

import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import { ProtocolError, v2ClientSerializer as client } from '@plume/protocol'
import { asBinary, bytes } from './support/bytes.js'

describe('v2ClientSerializer', () => {
  it('JSON-encodes a message as the exact five-element array', () => {
    const frame = client.encode({
      joinRef: '0',
      ref: '1',
      topic: 't',
      event: 'e',
      payload: { foo: 1 },
    })
    assert.equal(frame, '["0","1","t","e",{"foo":1}]')
  })

  it('JSON-decodes that string into the same five named fields', () => {
    assert.deepEqual(client.decode('["0","1","t","e",{"foo":1}]'), {
      joinRef: '0',
      ref: '1',
      topic: 't',
      event: 'e',
      payload: { foo: 1 },
    })
  })

  it('binary-encodes a push with kind 0 and four length bytes', () => {
    const payload = new Uint8Array([1]).buffer
    const frame = client.encode({ joinRef: '0', ref: '1', topic: 't', event: 'e', payload })
    assert.deepEqual(asBinary(frame), bytes(0, 1, 1, 1, 1, '0', '1', 't', 'e', 1))
  })

  it('binary-encodes a Uint8Array payload the same way', () => {
    const frame = client.encode({
      joinRef: '0',
      ref: '1',
      topic: 't',
      event: 'e',
      payload: bytes(1),
    })
    assert.deepEqual(asBinary(frame), bytes(0, 1, 1, 1, 1, '0', '1', 't', 'e', 1))
  })

  it('binary-encodes variable-length fields', () => {
    const payload = bytes(1)
    const frame = client.encode({ joinRef: '10', ref: '1', topic: 'top', event: 'ev', payload })
    assert.deepEqual(asBinary(frame), bytes(0, 2, 1, 3, 2, '10', '1', 'top', 'ev', 1))
  })

  it('writes a null join_ref as a zero-length field', () => {
    const frame = client.encode({
      joinRef: null,
      ref: '1',
      topic: 't',
      event: 'e',
      payload: bytes(),
    })
    assert.deepEqual(asBinary(frame), bytes(0, 0, 1, 1, 1, '1', 't', 'e'))
  })

  it('binary-decodes a server push (kind 0, three length bytes)', () => {
    const frame = bytes(0, 2, 5, 5, '12', 'topic', 'event', 101, 102, 103)
    assert.deepEqual(client.decode(frame), {
      joinRef: '12',
      ref: null,
      topic: 'topic',
      event: 'event',
      payload: bytes(101, 102, 103),
    })
  })

  it('binary-decodes a reply (kind 1) into phx_reply {status, response: bytes}', () => {
    const frame = bytes(1, 2, 3, 5, 2, '12', '123', 'topic', 'ok', 101, 102, 103)
    assert.deepEqual(client.decode(frame), {
      joinRef: '12',
      ref: '123',
      topic: 'topic',
      event: 'phx_reply',
      payload: { status: 'ok', response: bytes(101, 102, 103) },
    })
  })

  it('binary-decodes a broadcast (kind 2) with null join_ref and ref', () => {
    const frame = bytes(2, 5, 5, 'topic', 'event', 101, 102, 103)
    assert.deepEqual(client.decode(frame), {
      joinRef: null,
      ref: null,
      topic: 'topic',
      event: 'event',
      payload: bytes(101, 102, 103),
    })
  })

  it('length-prefixes non-ASCII metadata by UTF-8 byte length', () => {
    const frame = client.encode({
      joinRef: '0',
      ref: '1',
      topic: 'room:café',
      event: '🚀',
      payload: bytes(9),
    })
    assert.deepEqual(asBinary(frame), bytes(0, 1, 1, 10, 4, '0', '1', 'room:café', '🚀', 9))
    const decoded = client.decode(bytes(2, 10, 4, 'room:café', '🚀', 9))
    assert.equal(decoded.topic, 'room:café')
    assert.equal(decoded.event, '🚀')
  })

  for (const field of ['joinRef', 'ref', 'topic', 'event'] as const) {
    it(`throws FIELD_TOO_LONG naming ${field} when it exceeds 255 UTF-8 bytes`, () => {
      const base = { joinRef: '0', ref: '1', topic: 't', event: 'e', payload: bytes(1) }
      const wire = field === 'joinRef' ? 'join_ref' : field
      assert.throws(
        () => client.encode({ ...base, [field]: 'x'.repeat(256) }),
        (e: unknown) =>
          e instanceof ProtocolError &&
          e.code === 'FIELD_TOO_LONG' &&
          e.message.includes(`convert ${wire} to binary`) &&
          e.message.includes('255 bytes'),
      )
    })
  }

  it('accepts a field of exactly 255 bytes, and counts multi-byte characters', () => {
    const ok = client.encode({
      joinRef: null,
      ref: '1',
      topic: 'x'.repeat(255),
      event: 'e',
      payload: bytes(),
    })
    assert.equal(asBinary(ok)[3], 255)
    // 64 rockets are 256 bytes although the string has only 128 UTF-16 units.
    assert.throws(
      () =>
        client.encode({
          joinRef: null,
          ref: '1',
          topic: '🚀'.repeat(64),
          event: 'e',
          payload: bytes(),
        }),
      { code: 'FIELD_TOO_LONG' },
    )
  })

  it('rejects malformed server frames with ProtocolError', () => {
    assert.throws(() => client.decode('{"topic":"t"}'), { code: 'INVALID_MESSAGE' })
    assert.throws(() => client.decode('not json'), { code: 'INVALID_JSON' })
    assert.throws(() => client.decode(bytes(3, 0, 0)), { code: 'UNKNOWN_KIND' })
    assert.throws(() => client.decode(bytes(1, 2, 3)), { code: 'TRUNCATED_FRAME' })
    assert.throws(() => client.decode(bytes(2, 5, 5, 'top')), { code: 'TRUNCATED_FRAME' })
    assert.throws(() => client.decode(bytes()), { code: 'TRUNCATED_FRAME' })
  })
})
