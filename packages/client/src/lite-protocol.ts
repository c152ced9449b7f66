// A size-optimised stand-in for the parts of @plume/protocol the client uses, swapped in
// only for the minified browser bundle (scripts/bundle.mjs aliases the import). Same wire
// format, terse errors; test/lite-protocol.test.ts checks it against the real serializer.
import type { ClientSerializer, Frame, Message } from '@plume/protocol'

export const Events = {
  join: 'phx_join',
  reply: 'phx_reply',
  leave: 'phx_leave',
  close: 'phx_close',
  error: 'phx_error',
  heartbeat: 'heartbeat',
} as const
export const PHOENIX_TOPIC = 'phoenix'

const NAMES = ['join_ref', 'ref', 'topic', 'event']
// Header fields per server kind: 0 push (no ref), 1 reply, 2 broadcast.
const LAYOUTS = [
  ['joinRef', 'topic', 'event'],
  ['joinRef', 'ref', 'topic', 'event'],
  ['topic', 'event'],
]

function asBytes(p: unknown): Uint8Array | undefined {
  if (p instanceof Uint8Array) return p
  if (p instanceof ArrayBuffer) return new Uint8Array(p)
  return ArrayBuffer.isView(p) ? new Uint8Array(p.buffer, p.byteOffset, p.byteLength) : undefined
}

function encodeBinary(m: Message, payload: Uint8Array): Uint8Array {
  const fields = [m.joinRef, m.ref, m.topic, m.event].map((s, i) => {
    const b = new TextEncoder().encode(s ?? '')
    if (b.length > 255) throw new Error(`unable to convert ${NAMES[i]} to binary: over 255 bytes`)
    return b
  })
  const out = new Uint8Array(5 + fields.reduce((n, f) => n + f.length, 0) + payload.length)
  let offset = 5
  for (const [i, f] of fields.entries()) {
    out[i + 1] = f.length
    out.set(f, offset)
    offset += f.length
  }
  out.set(payload, offset)
  return out
}

function decodeBinary(bytes: Uint8Array): Message {
  const layout = LAYOUTS[bytes[0] ?? -1]
  if (!layout) throw new Error(`unknown binary frame kind ${bytes[0]}`)
  const m: Record<string, unknown> = { joinRef: null, ref: null }
  let offset = 1 + layout.length
  layout.forEach((key, i) => {
    const end = offset + (bytes[i + 1] ?? 0)
    if (end > bytes.length) throw new Error('truncated binary frame')
    const text = new TextDecoder().decode(bytes.subarray(offset, end))
    m[key] = text === '' && (key === 'joinRef' || key === 'ref') ? null : text
    offset = end
  })
  const payload = bytes.slice(offset)
  if (bytes[0] === 1) {
    m['payload'] = { status: m['event'], response: payload }
    m['event'] = Events.reply
  } else {
    m['payload'] = payload
  }
  return m as unknown as Message
}

export const v2ClientSerializer: ClientSerializer = {
  encode(m: Message): Frame {
    const bytes = asBytes(m.payload)
    return bytes
      ? encodeBinary(m, bytes)
      : JSON.stringify([m.joinRef, m.ref, m.topic, m.event, m.payload])
  },
  decode(frame: Frame): Message {
    if (typeof frame !== 'string') return decodeBinary(frame)
    const a: unknown = JSON.parse(frame)
    if (!Array.isArray(a) || a.length < 5)
      throw new Error('expected [join_ref, ref, topic, event, payload]')
    const [joinRef, ref, topic, event, payload] = a as [
      string | null,
      string | null,
      string,
      string,
      unknown,
    ]
    return { joinRef, ref, topic, event, payload }
  },
}
