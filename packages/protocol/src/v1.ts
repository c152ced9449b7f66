// The legacy V1 serializer: one JSON object per frame. Outgoing objects never carry
// join_ref (so V1 clients cannot filter stale messages); there are no binary frames.

import { ProtocolError } from './errors.js'
import {
  assertObjectPayload,
  expectRef,
  expectString,
  isPlainObject,
  parseJson,
  stringify,
} from './json.js'
import type { Frame, Message, ServerSerializer } from './types.js'

const REQUIRED = ['topic', 'event', 'payload', 'ref'] as const

function decodeObject(text: string): Message {
  const value = parseJson(text)
  if (!isPlainObject(value)) {
    throw new ProtocolError(
      'INVALID_MESSAGE',
      'expected a JSON object {topic, event, payload, ref[, join_ref]}',
    )
  }
  const missing = REQUIRED.filter((key) => !Object.hasOwn(value, key))
  if (missing.length > 0) {
    throw new ProtocolError('INVALID_MESSAGE', `missing required key(s): ${missing.join(', ')}`)
  }
  return {
    // Absent join_ref stays null here; the server falls back to the join's ref.
    joinRef: expectRef(value['join_ref'] ?? null, 'join_ref'),
    ref: expectRef(value['ref'], 'ref'),
    topic: expectString(value['topic'], 'topic'),
    event: expectString(value['event'], 'event'),
    payload: value['payload'],
  }
}

function unsupported(): ProtocolError {
  return new ProtocolError(
    'BINARY_UNSUPPORTED',
    'the V1 serializer has no binary frames; use vsn 2.0.0',
  )
}

/**
 * The server's V1 serializer (`vsn` "~> 1.0.0", also chosen when `vsn` is absent). Decodes
 * `{topic, event, payload, ref[, join_ref]}`; encodes `{topic, event, payload, ref}`.
 * Binary frames and binary payloads throw `BINARY_UNSUPPORTED`.
 */
export const v1Serializer: ServerSerializer = Object.freeze({
  id: 'v1',
  requirement: '~> 1.0.0',
  decode(frame: Frame): Message {
    if (typeof frame === 'string') return decodeObject(frame)
    if (frame instanceof Uint8Array) throw unsupported()
    throw new ProtocolError('INVALID_MESSAGE', `expected a text frame, got ${typeof frame}`)
  },
  encode(message: Message): Frame {
    const { topic, event, payload, ref } = message
    const response = (payload as { response?: unknown } | null)?.response
    if (payload instanceof Uint8Array || response instanceof Uint8Array) throw unsupported()
    assertObjectPayload(message)
    return stringify({ topic, event, payload, ref })
  },
})
