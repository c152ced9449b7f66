// The legacy V1 object serializer.

import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import { ProtocolError, replyMessage, v1Serializer as v1 } from '@plume/protocol'
import { bytes } from './support/bytes.js'

describe('v1Serializer', () => {
  it('has id v1 and requirement ~> 1.0.0', () => {
    assert.equal(v1.id, 'v1')
    assert.equal(v1.requirement, '~> 1.0.0')
  })

  it('decodes an object with join_ref', () => {
    const frame = '{"topic":"room:1","event":"phx_join","payload":{"a":1},"ref":"3","join_ref":"3"}'
    assert.deepEqual(v1.decode(frame), {
      joinRef: '3',
      ref: '3',
      topic: 'room:1',
      event: 'phx_join',
      payload: { a: 1 },
    })
  })

  it('leaves joinRef null when join_ref is absent (the server falls back to ref)', () => {
    const message = v1.decode('{"topic":"room:1","event":"phx_join","payload":{},"ref":"9"}')
    assert.equal(message.joinRef, null)
    assert.equal(message.ref, '9')
  })

  it('accepts a null ref, but the key must be present', () => {
    assert.equal(v1.decode('{"topic":"t","event":"e","payload":{},"ref":null}').ref, null)
    assert.throws(
      () => v1.decode('{"topic":"t","event":"e","payload":{}}'),
      (e: unknown) => {
        return (
          e instanceof ProtocolError &&
          e.code === 'INVALID_MESSAGE' &&
          /missing.*ref/.test(e.message)
        )
      },
    )
  })

  for (const key of ['topic', 'event', 'payload', 'ref']) {
    it(`rejects a frame missing ${key}`, () => {
      const full: Record<string, unknown> = { topic: 't', event: 'e', payload: {}, ref: '1' }
      delete full[key]
      assert.throws(
        () => v1.decode(JSON.stringify(full)),
        (e: unknown) => {
          return (
            e instanceof ProtocolError && e.code === 'INVALID_MESSAGE' && e.message.includes(key)
          )
        },
      )
    })
  }

  it('rejects non-objects, bad JSON, bad field types and binary frames', () => {
    assert.throws(() => v1.decode('["1","1","t","e",{}]'), { code: 'INVALID_MESSAGE' })
    assert.throws(() => v1.decode('null'), { code: 'INVALID_MESSAGE' })
    assert.throws(() => v1.decode('{'), { code: 'INVALID_JSON' })
    assert.throws(() => v1.decode('{"topic":1,"event":"e","payload":{},"ref":null}'), {
      code: 'INVALID_MESSAGE',
    })
    assert.throws(() => v1.decode(bytes(0, 0, 0, 1, 1, 't', 'e')), { code: 'BINARY_UNSUPPORTED' })
  })

  it('encodes {topic, event, payload, ref} and never join_ref', () => {
    const push = { joinRef: '3', ref: null, topic: 'room:1', event: 'new', payload: { b: 2 } }
    assert.equal(v1.encode(push), '{"topic":"room:1","event":"new","payload":{"b":2},"ref":null}')
    assert.equal(
      v1.encode(replyMessage('3', '7', 'room:1', 'ok', {})),
      '{"topic":"room:1","event":"phx_reply","payload":{"status":"ok","response":{}},"ref":"7"}',
    )
  })

  it('refuses binary payloads and non-object payloads', () => {
    const base = { joinRef: null, ref: null, topic: 't', event: 'e' }
    assert.throws(() => v1.encode({ ...base, payload: bytes(1) }), { code: 'BINARY_UNSUPPORTED' })
    assert.throws(() => v1.encode(replyMessage('1', '1', 't', 'ok', bytes(1))), {
      code: 'BINARY_UNSUPPORTED',
    })
    assert.throws(() => v1.encode({ ...base, payload: 'x' }), { code: 'PAYLOAD_NOT_OBJECT' })
  })
})
