// Byte helpers shared by the binary layouts and the serializers: UTF-8 via the platform
// codecs, and normalising any binary payload (Buffer, ArrayBuffer, typed array view) to a
// plain Uint8Array so decoded messages never alias a caller's (possibly pooled) buffer.

import { ProtocolError } from './errors.js'

const encoder = new TextEncoder()
// fatal: a header field that is not UTF-8 is a malformed frame, not something to patch up.
const decoder = new TextDecoder('utf-8', { fatal: true })

export function utf8Encode(text: string): Uint8Array {
  return encoder.encode(text)
}

export function utf8Decode(bytes: Uint8Array, field: string): string {
  try {
    return decoder.decode(bytes)
  } catch (cause) {
    throw new ProtocolError('INVALID_UTF8', `binary frame: ${field} is not valid UTF-8`, { cause })
  }
}

/** The bytes of a binary payload as a view (no copy), or undefined when `value` is not binary. */
export function asBytes(value: unknown): Uint8Array | undefined {
  if (value instanceof Uint8Array) return value
  if (value instanceof ArrayBuffer) return new Uint8Array(value)
  if (ArrayBuffer.isView(value))
    return new Uint8Array(value.buffer, value.byteOffset, value.byteLength)
  return undefined
}

/** A fresh plain Uint8Array copy (never a Node Buffer, never shared memory). */
export function copyBytes(bytes: Uint8Array): Uint8Array {
  const out = new Uint8Array(bytes.length)
  out.set(bytes)
  return out
}
