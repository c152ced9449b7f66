// A size-optimised stand-in for serializer.ts, swapped in only for the minified browser bundle
// (scripts/bundle.mjs redirects the import). Same wire format and message shapes, but without
// @plume/protocol's field checks and detailed errors; test/serializer.test.ts checks that both
// agree on every valid frame and that both reject garbage.
import { toBytes } from './base64.js'
import { REPLY } from './constants.js'
import type { Decode, Encode, SocketMessage } from './serializer.js'

const NAMES = ['join_ref', 'ref', 'topic', 'event'] as const
// Header fields (indexes into NAMES) per server frame kind: 0 push (no ref), 1 reply, 2 broadcast.
const LAYOUTS = [
  [0, 2, 3],
  [0, 1, 2, 3],
  [2, 3],
]

const isBinary = (v: unknown): v is ArrayBuffer | ArrayBufferView =>
  v instanceof ArrayBuffer || ArrayBuffer.isView(v)

/** V2 JSON text, or a binary kind 0 push when the payload is binary. */
export const encode: Encode = (msg, callback) => {
  const p = msg.payload
  if (!isBinary(p)) return callback(JSON.stringify([...NAMES.map((n) => msg[n]), p]))
  const fields = NAMES.map((n) => new TextEncoder().encode(msg[n] ?? ''))
  if (fields.some((f) => f.length > 255)) throw new Error('header field over 255 bytes')
  const parts = [Uint8Array.of(0, ...fields.map((f) => f.length)), ...fields, toBytes(p)]
  const out = new Uint8Array(parts.reduce((n, f) => n + f.length, 0))
  parts.reduce((offset, f) => (out.set(f, offset), offset + f.length), 0)
  callback(out)
}

/** V2 JSON text or binary server frames (push, reply, broadcast); throws on garbage. */
export const decode: Decode = (raw, callback) => {
  if (!isBinary(raw)) {
    const a: unknown = JSON.parse(String(raw))
    if (!Array.isArray(a) || a.length < 5) throw new Error('bad frame')
    const [join_ref, ref, topic, event, payload] = a as unknown[]
    return callback({ join_ref, ref, topic, event, payload } as SocketMessage)
  }
  const bytes = toBytes(raw)
  const layout = LAYOUTS[bytes[0] ?? 3]
  if (!layout) throw new Error('bad frame')
  const m: Record<string, unknown> = { join_ref: null, ref: null }
  let offset = 1 + layout.length
  layout.forEach((field, i) => {
    const end = offset + (bytes[i + 1] as number)
    // NaN (a header cut short) fails this test too.
    if (!(end <= bytes.length)) throw new Error('bad frame')
    m[NAMES[field] as string] =
      new TextDecoder().decode(bytes.subarray(offset, end)) || (field > 1 ? '' : null)
    offset = end
  })
  let payload: unknown = bytes.slice(offset).buffer
  if (bytes[0] === 1) {
    payload = { status: m['event'], response: payload }
    m['event'] = REPLY
  }
  callback({ ...m, payload } as SocketMessage)
}
