// Glue between the socket and @plume/protocol's V2 serializer. The socket speaks phoenix.js
// message objects (`join_ref`, ArrayBuffer binary payloads); the protocol package speaks
// `Message` with Uint8Array payloads. Conversions happen only here.
import { v2ClientSerializer, type Frame, type Message } from '@plume/protocol'

/** A message as phoenix.js represents it (what `onMessage` callbacks and encoders see). */
export interface SocketMessage<TPayload = unknown> {
  join_ref: string | null
  ref: string | null
  topic: string
  event: string
  payload: TPayload
}

/** phoenix.js-style encoder: hands the frame to `callback`. */
export type Encode = (
  message: SocketMessage,
  callback: (frame: string | ArrayBuffer | ArrayBufferView) => void,
) => void
/** phoenix.js-style decoder: hands the decoded message to `callback`. */
export type Decode = (raw: unknown, callback: (message: SocketMessage) => void) => void

const toArrayBuffer = (bytes: Uint8Array): ArrayBuffer =>
  bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength) as ArrayBuffer

function toFrame(raw: unknown): Frame {
  if (typeof raw === 'string') return raw
  if (raw instanceof ArrayBuffer) return new Uint8Array(raw)
  if (ArrayBuffer.isView(raw)) return new Uint8Array(raw.buffer, raw.byteOffset, raw.byteLength)
  return String(raw)
}

// Binary payloads (and binary reply responses) surface as ArrayBuffer, as in phoenix.js.
function fromMessage(m: Message): SocketMessage {
  let payload = m.payload
  if (payload instanceof Uint8Array) {
    payload = toArrayBuffer(payload)
  } else if (m.event === 'phx_reply' && typeof payload === 'object' && payload !== null) {
    const reply = payload as { status: string; response: unknown }
    if (reply.response instanceof Uint8Array) {
      payload = { status: reply.status, response: toArrayBuffer(reply.response) }
    }
  }
  return { join_ref: m.joinRef, ref: m.ref, topic: m.topic, event: m.event, payload }
}

/** The default encoder: V2 JSON text, or a binary frame when the payload is binary. */
export const encode: Encode = (msg, callback) => {
  const p = msg.payload
  const payload = p instanceof ArrayBuffer ? new Uint8Array(p) : p
  callback(
    v2ClientSerializer.encode({
      joinRef: msg.join_ref,
      ref: msg.ref,
      topic: msg.topic,
      event: msg.event,
      payload,
    }),
  )
}

/** The default decoder: V2 JSON text or binary (push, reply, broadcast). Throws on garbage. */
export const decode: Decode = (raw, callback) => {
  callback(fromMessage(v2ClientSerializer.decode(toFrame(raw))))
}

/** phoenix.js compatibility: the default serializer as phoenix.js exports it (`encode`, `decode`). */
export const Serializer = { encode, decode }
