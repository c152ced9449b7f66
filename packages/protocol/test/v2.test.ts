// Server-side V2 serializer: text decode rules, binary reference vectors
// (docs/protocol.md) in the server layouts, and the encode rules for pushes, replies and broadcasts.

import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import { ProtocolError, replyMessage, v2Serializer as v2 } from '@plume/protocol'
import { asBinary, asText, bytes } from './support/bytes.js'

describe('v2Serializer text decode', () => {
  it('reads [join_ref, ref, topic, event, payload]', () => {
    assert.deepEqual(v2.decode('["1","1","room:lobby","phx_join",{"a":1}]'), {
      joinRef: '1',
      ref: '1',
      topic: 'room:lobby',
      event: 'phx_join',
      payload: { a: 1 },
    })
  })

  it('accepts null refs (heartbeat) and ignores trailing extra elements', () => {
    assert.deepEqual(v2.decode('[null,"5","phoenix","heartbeat",{},"extra",7]'), {
      joinRef: null,
      ref: '5',
      topic: 'phoenix',
      event: 'heartbeat',
      payload: {},
    })
  })

  it('passes non-object client payloads through untouched', () => {
    assert.equal(v2.decode('["1","2","t","e","hi"]').payload, 'hi')
    assert.equal(v2.decode('["1","2","t","e",null]').payload, null)
  })

  const bad: [string, string, RegExp][] = [
    ['not json', 'INVALID_JSON', /not valid JSON/],
    ['{"topic":"t"}', 'INVALID_MESSAGE', /expected a JSON array/],
    ['"str"', 'INVALID_MESSAGE', /got string/],
    ['["1","1","t","e"]', 'INVALID_MESSAGE', /got 4/],
    ['[]', 'INVALID_MESSAGE', /got 0/],
    ['["1","1",5,"e",{}]', 'INVALID_MESSAGE', /topic to be a string, got number/],
    ['["1","1","t",null,{}]', 'INVALID_MESSAGE', /event to be a string, got null/],
    ['[1,"1","t","e",{}]', 'INVALID_MESSAGE', /join_ref to be a string or null/],
    ['["1",{},"t","e",{}]', 'INVALID_MESSAGE', /ref to be a string or null/],
  ]
  for (const [frame, code, message] of bad) {
    it(`rejects ${frame} with ${code}`, () => {
      assert.throws(
        () => v2.decode(frame),
        (e: unknown) => e instanceof ProtocolError && e.code === code && message.test(e.message),
      )
    })
  }
})

describe('v2Serializer text encode', () => {
  it('encodes replies, pushes and broadcasts as five-element arrays', () => {
    assert.equal(
      v2.encode(replyMessage('3', '7', 'room:1', 'ok', {})),
      '["3","7","room:1","phx_reply",{"status":"ok","response":{}}]',
    )
    const push = { joinRef: '3', ref: null, topic: 'room:1', event: 'new', payload: { b: 2 } }
    assert.equal(v2.encode(push), '["3",null,"room:1","new",{"b":2}]')
    const broadcast = { ...push, joinRef: null }
    assert.equal(v2.encode(broadcast), '[null,null,"room:1","new",{"b":2}]')
  })

  for (const payload of [[1], 'x', 3, null, new Date(0), undefined]) {
    it(`refuses the non-object payload ${JSON.stringify(payload) ?? 'undefined'}`, () => {
      assert.throws(
        () => v2.encode({ joinRef: null, ref: null, topic: 't', event: 'e', payload }),
        (e: unknown) =>
          e instanceof ProtocolError &&
          e.code === 'PAYLOAD_NOT_OBJECT' &&
          e.message.includes('expected payload to be a map/object'),
      )
    })
  }

  it('accepts null-prototype objects and reports unserializable payloads', () => {
    const nullProto = Object.assign(Object.create(null) as object, { a: 1 })
    assert.equal(
      asText(v2.encode({ joinRef: null, ref: null, topic: 't', event: 'e', payload: nullProto })),
      '[null,null,"t","e",{"a":1}]',
    )
    const cyclic: Record<string, unknown> = {}
    cyclic['self'] = cyclic
    assert.throws(
      () => v2.encode({ joinRef: null, ref: null, topic: 't', event: 'e', payload: cyclic }),
      {
        code: 'UNSERIALIZABLE',
      },
    )
    assert.throws(
      () => v2.encode({ joinRef: null, ref: null, topic: 't', event: 'e', payload: { n: 1n } }),
      {
        code: 'UNSERIALIZABLE',
      },
    )
  })
})

describe('v2Serializer binary', () => {
  const abc = bytes(101, 102, 103)

  it('decodes the client push vector 00 01 01 01 01 "0" "1" "t" "e" 01', () => {
    assert.deepEqual(v2.decode(bytes(0, 1, 1, 1, 1, '0', '1', 't', 'e', 1)), {
      joinRef: '0',
      ref: '1',
      topic: 't',
      event: 'e',
      payload: bytes(1),
    })
  })

  it('decodes empty join_ref and ref as null, and copies the payload out of the frame', () => {
    const frame = bytes(0, 0, 0, 1, 1, 't', 'e', 7, 8)
    const message = v2.decode(frame)
    assert.equal(message.joinRef, null)
    assert.equal(message.ref, null)
    frame[frame.length - 1] = 0
    assert.deepEqual(message.payload, bytes(7, 8))
  })

  it('encodes a binary reply as kind 1: 01 02 03 05 02 "12" "123" "topic" "ok" 65 66 67', () => {
    const frame = v2.encode(replyMessage('12', '123', 'topic', 'ok', abc))
    assert.deepEqual(
      asBinary(frame),
      bytes(1, 2, 3, 5, 2, '12', '123', 'topic', 'ok', 101, 102, 103),
    )
  })

  it('encodes a binary broadcast as kind 2: 02 05 05 "topic" "event" 65 66 67', () => {
    const frame = v2.encode({
      joinRef: null,
      ref: null,
      topic: 'topic',
      event: 'event',
      payload: abc,
    })
    assert.deepEqual(asBinary(frame), bytes(2, 5, 5, 'topic', 'event', 101, 102, 103))
  })

  it('encodes a binary push as kind 0 without ref: 00 02 05 05 "12" "topic" "event" 65 66 67', () => {
    const frame = v2.encode({
      joinRef: '12',
      ref: null,
      topic: 'topic',
      event: 'event',
      payload: abc,
    })
    assert.deepEqual(asBinary(frame), bytes(0, 2, 5, 5, '12', 'topic', 'event', 101, 102, 103))
  })

  it('encodes a Node Buffer payload and returns a plain Uint8Array', () => {
    const frame = asBinary(
      v2.encode({ joinRef: null, ref: null, topic: 't', event: 'e', payload: Buffer.from('hi') }),
    )
    assert.equal(Object.getPrototypeOf(frame), Uint8Array.prototype)
    assert.deepEqual(frame, bytes(2, 1, 1, 't', 'e', 'hi'))
  })

  it('counts UTF-8 bytes: "room:café" is 10 and 🚀 is 4', () => {
    const frame = v2.encode({
      joinRef: null,
      ref: null,
      topic: 'room:café',
      event: '🚀',
      payload: abc,
    })
    assert.deepEqual(asBinary(frame).subarray(0, 3), bytes(2, 10, 4))
  })

  it('names the field when a header field exceeds 255 bytes', () => {
    const long = 'a'.repeat(256)
    const cases: [string, () => unknown][] = [
      [
        'topic',
        () => v2.encode({ joinRef: null, ref: null, topic: long, event: 'e', payload: abc }),
      ],
      [
        'event',
        () => v2.encode({ joinRef: '1', ref: null, topic: 't', event: long, payload: abc }),
      ],
      [
        'join_ref',
        () => v2.encode({ joinRef: long, ref: null, topic: 't', event: 'e', payload: abc }),
      ],
      ['status', () => v2.encode(replyMessage('1', '2', 't', long, abc))],
      ['ref', () => v2.encode(replyMessage('1', long, 't', 'ok', abc))],
    ]
    for (const [field, run] of cases) {
      assert.throws(run, (e: unknown) => {
        return (
          e instanceof ProtocolError &&
          e.code === 'FIELD_TOO_LONG' &&
          e.message.includes(`convert ${field} `)
        )
      })
    }
  })

  it('rejects truncated client frames and header lengths past the end', () => {
    for (const frame of [
      bytes(),
      bytes(0),
      bytes(0, 1, 1, 1),
      bytes(0, 1, 1, 1, 1, '0', '1', 't'),
    ]) {
      assert.throws(() => v2.decode(frame), { code: 'TRUNCATED_FRAME' })
    }
    assert.throws(() => v2.decode(bytes(0, 0, 0, 200, 0, 't')), /topic \(200 bytes/)
  })

  it('rejects server-only kinds and unknown kinds from a client', () => {
    assert.throws(() => v2.decode(bytes(1, 0, 0, 1, 2, 't', 'ok')), { code: 'UNKNOWN_KIND' })
    assert.throws(() => v2.decode(bytes(2, 1, 1, 't', 'e')), { code: 'UNKNOWN_KIND' })
    assert.throws(() => v2.decode(bytes(9)), { code: 'UNKNOWN_KIND' })
  })

  it('rejects header fields that are not UTF-8', () => {
    assert.throws(() => v2.decode(bytes(0, 0, 0, 1, 1, 0xff, 'e')), { code: 'INVALID_UTF8' })
  })
})
