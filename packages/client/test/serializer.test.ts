// The serializer glue: phoenix.js message objects and ArrayBuffer payloads
// over @plume/protocol's V2 codec, and the browser bundle's lite serializer checked against it.
import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import fc from 'fast-check'
import { Events, PHOENIX_TOPIC, type Frame } from '@plume/protocol'
import { decode, encode, type SocketMessage } from '@plume/client'
import { CLOSE, ERROR, HEARTBEAT, JOIN, LEAVE, PHOENIX, REPLY } from '../src/constants.js'
import * as lite from '../src/lite-serializer.js'

const SEED = Number(process.env['FC_SEED'] ?? Date.now() % 2 ** 31)
console.log(`client serializer seed=${SEED} (replay with FC_SEED=${SEED})`)

const enc = (m: SocketMessage): Frame => {
  let out: unknown
  encode(m, (f) => (out = f))
  return out as Frame
}
const dec = (raw: unknown): SocketMessage => {
  let out: unknown
  decode(raw, (m) => (out = m))
  return out as SocketMessage
}
const bytes = (...parts: Array<string | number[]>): Uint8Array =>
  Uint8Array.from(
    parts.flatMap((p) => (typeof p === 'string' ? [...new TextEncoder().encode(p)] : p)),
  )
const ab = (u: Uint8Array): ArrayBuffer =>
  u.buffer.slice(u.byteOffset, u.byteOffset + u.byteLength) as ArrayBuffer

describe('serializer glue', () => {
  it('encodes JSON to the exact V2 array string and decodes it back', () => {
    const msg = { join_ref: '0', ref: '1', topic: 't', event: 'e', payload: { foo: 1 } }
    assert.equal(enc(msg), '["0","1","t","e",{"foo":1}]')
    assert.deepEqual(dec('["0","1","t","e",{"foo":1}]'), msg)
  })

  it('encodes an ArrayBuffer payload as a kind 0 client push', () => {
    const frame = enc({ join_ref: '0', ref: '1', topic: 't', event: 'e', payload: ab(bytes([1])) })
    assert.deepEqual(frame, bytes([0, 1, 1, 1, 1], '01te', [1]))
    const long = enc({
      join_ref: '10',
      ref: '1',
      topic: 'top',
      event: 'ev',
      payload: ab(bytes([1])),
    })
    assert.deepEqual(long, bytes([0, 2, 1, 3, 2], '101topev', [1]))
  })

  it('decodes binary push, reply and broadcast with ArrayBuffer payloads', () => {
    const push = dec(ab(bytes([0, 2, 5, 5], '12topicevent', [65, 66, 67])))
    assert.deepEqual(
      { ...push, payload: null },
      { join_ref: '12', ref: null, topic: 'topic', event: 'event', payload: null },
    )
    assert.ok(push.payload instanceof ArrayBuffer)
    assert.deepEqual(new Uint8Array(push.payload), bytes([65, 66, 67]))
    const reply = dec(ab(bytes([1, 2, 3, 5, 2], '12123topicok', [65, 66, 67])))
    const payload = reply.payload as { status: string; response: ArrayBuffer }
    assert.deepEqual(
      [reply.join_ref, reply.ref, reply.event, payload.status],
      ['12', '123', 'phx_reply', 'ok'],
    )
    assert.ok(payload.response instanceof ArrayBuffer)
    assert.deepEqual(new Uint8Array(payload.response), bytes([65, 66, 67]))
    const bc = dec(ab(bytes([2, 5, 5], 'topicevent', [65, 66, 67])))
    assert.deepEqual([bc.join_ref, bc.ref, bc.topic, bc.event], [null, null, 'topic', 'event'])
    assert.deepEqual(new Uint8Array(bc.payload as ArrayBuffer), bytes([65, 66, 67]))
  })

  it('counts UTF-8 bytes and rejects fields over 255 bytes naming the field', () => {
    const frame = enc({
      join_ref: null,
      ref: '1',
      topic: 'room:café',
      event: '🚀',
      payload: ab(bytes([9])),
    })
    assert.deepEqual([...(frame as Uint8Array).subarray(0, 5)], [0, 0, 1, 10, 4])
    assert.throws(
      () =>
        enc({
          join_ref: null,
          ref: '1',
          topic: 'x'.repeat(256),
          event: 'e',
          payload: ab(bytes([1])),
        }),
      /topic/,
    )
  })

  it('accepts typed-array views and Node Buffers as frames', () => {
    const whole = bytes([0, 0, 1, 1], 'te', [7])
    const view = new Uint8Array([9, ...whole]).subarray(1)
    assert.deepEqual(dec(view).topic, 't')
  })
})

describe('lite serializer (browser bundle) matches the serializer glue', () => {
  const text = fc.string({ maxLength: 20 })
  const ref = fc.option(fc.string({ minLength: 1, maxLength: 8 }), { nil: null })
  const payloadBytes = fc.uint8Array({ maxLength: 16 })
  const liteEnc = (m: SocketMessage): unknown => {
    let out: unknown
    lite.encode(m, (f) => (out = f))
    return out
  }
  const liteDec = (raw: unknown): SocketMessage => {
    let out: unknown
    lite.decode(raw, (m) => (out = m))
    return out as SocketMessage
  }

  it('encodes identically (JSON, ArrayBuffer and typed-array payloads)', () => {
    const payload = fc.oneof(fc.jsonValue(), payloadBytes, payloadBytes.map(ab))
    fc.assert(
      fc.property(ref, ref, text, text, payload, (join_ref, r, topic, event, p) => {
        const m: SocketMessage = { join_ref, ref: r, topic, event, payload: p }
        assert.deepEqual(liteEnc(m), enc(m))
      }),
      { seed: SEED },
    )
  })

  it('decodes identically (JSON and server binary kinds 0, 1, 2)', () => {
    const frame = fc.oneof(
      fc.tuple(ref, ref, text, text, fc.jsonValue()).map((a) => JSON.stringify(a)),
      fc
        .tuple(ref, text, text, payloadBytes)
        .map(([j, t, e, p]) =>
          bytes(
            [0, ...[j ?? '', t, e].map((s) => new TextEncoder().encode(s).length)],
            j ?? '',
            t,
            e,
            [...p],
          ),
        ),
      fc
        .tuple(ref, ref, text, text, payloadBytes)
        .map(([j, r, t, s, p]) =>
          bytes(
            [1, ...[j ?? '', r ?? '', t, s].map((x) => new TextEncoder().encode(x).length)],
            j ?? '',
            r ?? '',
            t,
            s,
            [...p],
          ),
        ),
      fc
        .tuple(text, text, payloadBytes)
        .map(([t, e, p]) =>
          bytes([2, new TextEncoder().encode(t).length, new TextEncoder().encode(e).length], t, e, [
            ...p,
          ]),
        ),
    )
    fc.assert(
      fc.property(frame, fc.boolean(), (f, asBuffer) => {
        const raw = typeof f === 'string' || !asBuffer ? f : ab(f)
        assert.deepEqual(liteDec(raw), dec(raw))
      }),
      { seed: SEED },
    )
  })

  it('rejects what the glue rejects: garbage text, unknown kinds, cut-short frames, long fields', () => {
    const garbage = ['not json', '{"a":1}', '[1,2,3]', bytes([7, 1]), bytes([2, 5, 5], 'top')]
    for (const raw of [...garbage, bytes([0, 3]), new Uint8Array()]) {
      assert.throws(() => dec(raw))
      assert.throws(() => liteDec(raw))
    }
    const long = { join_ref: null, ref: '1', topic: 'x'.repeat(256), event: 'e' }
    assert.throws(() => liteEnc({ ...long, payload: ab(bytes([1])) }), /over 255 bytes/)
  })

  it('uses the protocol package event names', () => {
    const names = [JOIN, REPLY, LEAVE, CLOSE, ERROR, HEARTBEAT]
    assert.deepEqual(names, [
      Events.join,
      Events.reply,
      Events.leave,
      Events.close,
      Events.error,
      Events.heartbeat,
    ])
    assert.equal(PHOENIX, PHOENIX_TOPIC)
  })
})
