// JSON text frames: the V2 array `[join_ref, ref, topic, event, payload]` (both directions)
// and the checks shared with V1. Decoding is strict about shape so that garbage from a peer
// becomes a ProtocolError with a readable message instead of a confusing failure later.

import { ProtocolError } from './errors.js'
import type { Message } from './types.js'

export function parseJson(text: string): unknown {
  try {
    return JSON.parse(text) as unknown
  } catch (cause) {
    const shown = text.length > 60 ? `${text.slice(0, 60)}…` : text
    throw new ProtocolError('INVALID_JSON', `text frame is not valid JSON: ${shown}`, { cause })
  }
}

export function stringify(value: unknown): string {
  try {
    return JSON.stringify(value)
  } catch (cause) {
    const reason = cause instanceof Error ? cause.message : String(cause)
    throw new ProtocolError('UNSERIALIZABLE', `message cannot be encoded as JSON: ${reason}`, {
      cause,
    })
  }
}

function describe(value: unknown): string {
  if (value === null) return 'null'
  if (Array.isArray(value)) return 'an array'
  return typeof value
}

export function expectString(value: unknown, field: string): string {
  if (typeof value === 'string') return value
  throw new ProtocolError(
    'INVALID_MESSAGE',
    `expected ${field} to be a string, got ${describe(value)}`,
  )
}

/** Refs are opaque strings; phoenix.js always sends strings, and our Message type says so. */
export function expectRef(value: unknown, field: string): string | null {
  if (value === null || typeof value === 'string') return value
  throw new ProtocolError(
    'INVALID_MESSAGE',
    `expected ${field} to be a string or null, got ${describe(value)}`,
  )
}

/** A plain object: what Phoenix calls a map. Arrays, binaries and class instances are not. */
export function isPlainObject(value: unknown): value is Record<string, unknown> {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return false
  const proto = Object.getPrototypeOf(value) as object | null
  // A root prototype of any realm counts, so objects built in a vm context still qualify.
  return proto === null || Object.getPrototypeOf(proto) === null
}

export function assertObjectPayload(message: Message): void {
  if (isPlainObject(message.payload)) return
  throw new ProtocolError(
    'PAYLOAD_NOT_OBJECT',
    `expected payload to be a map/object, got ${describe(message.payload)} ` +
      `(topic ${JSON.stringify(message.topic)}, event ${JSON.stringify(message.event)})`,
  )
}

/** Decodes a V2 array frame; extra trailing elements are ignored, as upstream does. */
export function decodeArrayFrame(text: string): Message {
  const value = parseJson(text)
  if (!Array.isArray(value)) {
    throw new ProtocolError(
      'INVALID_MESSAGE',
      `expected a JSON array [join_ref, ref, topic, event, payload], got ${describe(value)}`,
    )
  }
  if (value.length < 5) {
    throw new ProtocolError(
      'INVALID_MESSAGE',
      `expected 5 elements [join_ref, ref, topic, event, payload], got ${value.length}`,
    )
  }
  const [joinRef, ref, topic, event, payload] = value as unknown[]
  return {
    joinRef: expectRef(joinRef, 'join_ref'),
    ref: expectRef(ref, 'ref'),
    topic: expectString(topic, 'topic'),
    event: expectString(event, 'event'),
    payload,
  }
}

export function encodeArrayFrame(message: Message): string {
  const { joinRef, ref, topic, event, payload } = message
  return stringify([joinRef, ref, topic, event, payload])
}
