// Standard-alphabet base64 without platform APIs (no Buffer, no btoa in the ES2022 lib).
// Long-poll carries binary client pushes as one base64 line each in an ndjson POST body.

import { ProtocolError } from './errors.js'

const ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/'
const LOOKUP = new Map<string, number>([...ALPHABET].map((c, i) => [c, i]))

/** Encodes bytes as standard base64 with `=` padding (what `btoa` produces). */
export function bytesToBase64(bytes: Uint8Array): string {
  let out = ''
  for (let i = 0; i < bytes.length; i += 3) {
    const a = bytes[i] ?? 0
    const b = bytes[i + 1]
    const c = bytes[i + 2]
    const n = (a << 16) | ((b ?? 0) << 8) | (c ?? 0)
    out += ALPHABET.charAt(n >> 18) + ALPHABET.charAt((n >> 12) & 63)
    out += b === undefined ? '=' : ALPHABET.charAt((n >> 6) & 63)
    out += c === undefined ? '=' : ALPHABET.charAt(n & 63)
  }
  return out
}

/**
 * Decodes standard base64; `=` padding is optional. Throws `INVALID_BASE64` on any other
 * character or an impossible length, rather than silently skipping junk as `Buffer` does.
 */
export function base64ToBytes(text: string): Uint8Array {
  const body = text.endsWith('==')
    ? text.slice(0, -2)
    : text.endsWith('=')
      ? text.slice(0, -1)
      : text
  if (body.length % 4 === 1 || (body.length !== text.length && text.length % 4 !== 0)) {
    throw new ProtocolError('INVALID_BASE64', `invalid base64 length ${text.length}`)
  }
  const out = new Uint8Array(Math.floor((body.length * 3) / 4))
  let bits = 0
  let acc = 0
  let o = 0
  for (const ch of body) {
    const v = LOOKUP.get(ch)
    if (v === undefined) {
      throw new ProtocolError('INVALID_BASE64', `invalid base64 character ${JSON.stringify(ch)}`)
    }
    acc = ((acc << 6) | v) & 0xffffff
    bits += 6
    if (bits >= 8) {
      bits -= 8
      out[o++] = (acc >> bits) & 0xff
    }
  }
  return out
}
