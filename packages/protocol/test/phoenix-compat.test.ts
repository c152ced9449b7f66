// Wire compatibility with the official phoenix.js serializer (npm `phoenix`): what it
// encodes our server decodes, and what our server encodes it decodes as intended.

import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import { Serializer } from '@plume/testkit/phoenix'
import { replyMessage, v2Serializer as server, type Frame } from '@plume/protocol'
import { bytes } from './support/bytes.js'

function phoenixEncode(msg: Parameters<typeof Serializer.encode>[0]): Frame {
  let out: string | ArrayBuffer | undefined
  Serializer.encode(msg, (frame) => (out = frame))
  if (out === undefined) throw new Error('phoenix serializer did not call back')
  return typeof out === 'string' ? out : new Uint8Array(out)
}

function phoenixDecode(frame: Frame): Parameters<Parameters<typeof Serializer.decode>[1]>[0] {
  const raw = typeof frame === 'string' ? frame : frame.slice().buffer
  let out: ReturnType<typeof phoenixDecode> | undefined
  Serializer.decode(raw, (msg) => (out = msg))
  if (out === undefined) throw new Error('phoenix serializer did not call back')
  return out
}

describe('phoenix.js → v2Serializer', () => {
  it('decodes a phoenix.js text push', () => {
    const frame = phoenixEncode({
      join_ref: '1',
      ref: '2',
      topic: 'room:é',
      event: 'new',
      payload: { a: [1] },
    })
    assert.deepEqual(server.decode(frame), {
      joinRef: '1',
      ref: '2',
      topic: 'room:é',
      event: 'new',
      payload: { a: [1] },
    })
  })

  it('decodes a phoenix.js binary push', () => {
    const payload = bytes(1, 2, 3).buffer
    const frame = phoenixEncode({
      join_ref: '1',
      ref: '2',
      topic: 'room:café',
      event: '🚀',
      payload,
    })
    assert.deepEqual(server.decode(frame), {
      joinRef: '1',
      ref: '2',
      topic: 'room:café',
      event: '🚀',
      payload: bytes(1, 2, 3),
    })
  })
})

describe('v2Serializer → phoenix.js', () => {
  it('a text reply decodes with the same fields', () => {
    const msg = phoenixDecode(server.encode(replyMessage('1', '2', 't', 'ok', { x: 1 })))
    assert.deepEqual(msg, {
      join_ref: '1',
      ref: '2',
      topic: 't',
      event: 'phx_reply',
      payload: { status: 'ok', response: { x: 1 } },
    })
  })

  it('binary reply, push and broadcast decode with ArrayBuffer payloads', () => {
    const reply = phoenixDecode(server.encode(replyMessage('1', '2', 't', 'ok', bytes(7))))
    assert.equal(reply.event, 'phx_reply')
    const replyPayload = reply.payload as { status: string; response: ArrayBuffer }
    assert.equal(replyPayload.status, 'ok')
    assert.deepEqual(new Uint8Array(replyPayload.response), bytes(7))

    const push = phoenixDecode(
      server.encode({ joinRef: '1', ref: null, topic: 't', event: 'e', payload: bytes(8) }),
    )
    assert.deepEqual(
      { ...push, payload: null },
      { join_ref: '1', ref: null, topic: 't', event: 'e', payload: null },
    )
    assert.deepEqual(new Uint8Array(push.payload as ArrayBuffer), bytes(8))

    const broadcast = phoenixDecode(
      server.encode({ joinRef: null, ref: null, topic: 't', event: 'e', payload: bytes(9) }),
    )
    assert.deepEqual(
      { ...broadcast, payload: null },
      { join_ref: null, ref: null, topic: 't', event: 'e', payload: null },
    )
    assert.deepEqual(new Uint8Array(broadcast.payload as ArrayBuffer), bytes(9))
  })
})
