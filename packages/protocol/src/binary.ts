// V2 binary frame layouts (docs/protocol.md "Binary frames"). Every header field is UTF-8
// with a one-byte length, so fields are capped at 255 bytes. Kind 0 has four lengths when the
// client sends it but three (no ref) when the server does; kinds 1 and 2 are server-only.
// A null ref/join_ref travels as the empty string and decodes back to null.

import { asBytes, copyBytes, utf8Decode, utf8Encode } from './bytes.js'
import { ProtocolError } from './errors.js'
import { Events } from './events.js'
import type { Message, ReplyPayload } from './types.js'

/** The largest header field, in UTF-8 bytes, a binary frame can carry. */
export const MAX_FIELD_BYTES = 255

const KIND_PUSH = 0
const KIND_REPLY = 1
const KIND_BROADCAST = 2

function encodeField(name: string, value: string | null): Uint8Array {
  const bytes = utf8Encode(value ?? '')
  if (bytes.length > MAX_FIELD_BYTES) {
    const shown = value !== null && value.length > 40 ? `${value.slice(0, 40)}…` : value
    throw new ProtocolError(
      'FIELD_TOO_LONG',
      `unable to convert ${name} to binary: ${JSON.stringify(shown)} is ${bytes.length} bytes, ` +
        `must be less than or equal to ${MAX_FIELD_BYTES} bytes`,
    )
  }
  return bytes
}

function writeFrame(kind: number, fields: readonly Uint8Array[], payload: Uint8Array): Uint8Array {
  let size = 1 + fields.length + payload.length
  for (const f of fields) size += f.length
  const out = new Uint8Array(size)
  out[0] = kind
  let offset = 1
  for (const f of fields) out[offset++] = f.length
  for (const f of fields) {
    out.set(f, offset)
    offset += f.length
  }
  out.set(payload, offset)
  return out
}

interface Parsed {
  readonly fields: string[]
  readonly payload: Uint8Array
}

/** Reads `names.length` length-prefixed fields after the kind byte, then the payload. */
function readFrame(bytes: Uint8Array, names: readonly string[]): Parsed {
  const header = 1 + names.length
  if (bytes.length < header) {
    throw new ProtocolError(
      'TRUNCATED_FRAME',
      `binary frame of kind ${bytes[0] ?? '?'} needs a ${header}-byte header, got ${bytes.length} bytes`,
    )
  }
  const fields: string[] = []
  let offset = header
  names.forEach((name, i) => {
    const length = bytes[1 + i] ?? 0
    if (offset + length > bytes.length) {
      throw new ProtocolError(
        'TRUNCATED_FRAME',
        `binary frame: ${name} (${length} bytes at offset ${offset}) runs past the end (${bytes.length} bytes)`,
      )
    }
    fields.push(utf8Decode(bytes.subarray(offset, offset + length), name))
    offset += length
  })
  return { fields, payload: copyBytes(bytes.subarray(offset)) }
}

const orNull = (s: string | undefined): string | null => (s === undefined || s === '' ? null : s)

function kindOf(bytes: Uint8Array): number {
  const kind = bytes[0]
  if (kind === undefined) throw new ProtocolError('TRUNCATED_FRAME', 'empty binary frame')
  return kind
}

/** Client → server kind 0: `0 | len×4 | join_ref | ref | topic | event | payload`. */
export function encodeClientPush(message: Message, payload: Uint8Array): Uint8Array {
  const fields = [
    encodeField('join_ref', message.joinRef),
    encodeField('ref', message.ref),
    encodeField('topic', message.topic),
    encodeField('event', message.event),
  ]
  return writeFrame(KIND_PUSH, fields, payload)
}

/** Decodes a client push (the only binary kind a client may send). */
export function decodeClientPush(bytes: Uint8Array): Message<Uint8Array> {
  const kind = kindOf(bytes)
  if (kind !== KIND_PUSH) {
    throw new ProtocolError(
      'UNKNOWN_KIND',
      `binary frame kind ${kind} from a client (expected 0, push)`,
    )
  }
  const { fields, payload } = readFrame(bytes, ['join_ref', 'ref', 'topic', 'event'])
  const [joinRef, ref, topic = '', event = ''] = fields
  return { joinRef: orNull(joinRef), ref: orNull(ref), topic, event, payload }
}

/**
 * Server-side binary encoding, or undefined when the message is a text message. A reply
 * whose response is binary becomes kind 1; a binary payload with no refs is a broadcast
 * (kind 2); any other binary payload is a push (kind 0, whose layout drops the ref).
 */
export function encodeServerBinary(message: Message): Uint8Array | undefined {
  const { payload } = message
  if (message.event === Events.reply && isBinaryReply(payload)) {
    const fields = [
      encodeField('join_ref', message.joinRef),
      encodeField('ref', message.ref),
      encodeField('topic', message.topic),
      encodeField('status', payload.status),
    ]
    return writeFrame(KIND_REPLY, fields, payload.response)
  }
  const bytes = asBytes(payload)
  if (bytes === undefined) return undefined
  const topic = encodeField('topic', message.topic)
  const event = encodeField('event', message.event)
  if (message.joinRef === null && message.ref === null) {
    return writeFrame(KIND_BROADCAST, [topic, event], bytes)
  }
  return writeFrame(KIND_PUSH, [encodeField('join_ref', message.joinRef), topic, event], bytes)
}

function isBinaryReply(p: unknown): p is ReplyPayload<Uint8Array> {
  if (typeof p !== 'object' || p === null) return false
  const { status, response } = p as { status?: unknown; response?: unknown }
  return typeof status === 'string' && response instanceof Uint8Array
}

/** Decodes a server frame on the client: kinds 0 (push), 1 (reply) and 2 (broadcast). */
export function decodeServerFrame(bytes: Uint8Array): Message {
  const kind = kindOf(bytes)
  switch (kind) {
    case KIND_PUSH: {
      const { fields, payload } = readFrame(bytes, ['join_ref', 'topic', 'event'])
      const [joinRef, topic = '', event = ''] = fields
      return { joinRef: orNull(joinRef), ref: null, topic, event, payload }
    }
    case KIND_REPLY: {
      const { fields, payload } = readFrame(bytes, ['join_ref', 'ref', 'topic', 'status'])
      const [joinRef, ref, topic = '', status = ''] = fields
      const reply: ReplyPayload<Uint8Array> = { status, response: payload }
      return {
        joinRef: orNull(joinRef),
        ref: orNull(ref),
        topic,
        event: Events.reply,
        payload: reply,
      }
    }
    case KIND_BROADCAST: {
      const { fields, payload } = readFrame(bytes, ['topic', 'event'])
      const [topic = '', event = ''] = fields
      return { joinRef: null, ref: null, topic, event, payload }
    }
    default:
      throw new ProtocolError('UNKNOWN_KIND', `unknown binary frame kind ${kind} from the server`)
  }
}
