// The V2 serializers: JSON arrays for text, the binary layouts of docs/protocol.md. The server side
// decodes client pushes and encodes server layouts; the client side is the mirror image.

import {
  encodeClientPush,
  decodeClientPush,
  decodeServerFrame,
  encodeServerBinary,
} from './binary.js'
import { asBytes } from './bytes.js'
import { ProtocolError } from './errors.js'
import { assertObjectPayload, decodeArrayFrame, encodeArrayFrame } from './json.js'
import type { ClientSerializer, Frame, Message, ServerSerializer } from './types.js'

function notAFrame(frame: unknown): ProtocolError {
  return new ProtocolError(
    'INVALID_MESSAGE',
    `expected a text (string) or binary (Uint8Array) frame, got ${typeof frame}`,
  )
}

/**
 * The server's V2 serializer (`vsn` "~> 2.0.0", what phoenix.js speaks). Text frames are
 * `[join_ref, ref, topic, event, payload]`; binary payloads (`Uint8Array`) use the binary
 * layouts: a reply `{status, response: Uint8Array}` is kind 1, a binary payload with null
 * join_ref and ref is a broadcast (kind 2), any other binary payload a push (kind 0, no ref).
 * Text payloads must be plain objects.
 */
export const v2Serializer: ServerSerializer = Object.freeze({
  id: 'v2',
  requirement: '~> 2.0.0',
  decode(frame: Frame): Message {
    if (typeof frame === 'string') return decodeArrayFrame(frame)
    if (frame instanceof Uint8Array) return decodeClientPush(frame)
    throw notAFrame(frame)
  },
  encode(message: Message): Frame {
    const binary = encodeServerBinary(message)
    if (binary !== undefined) return binary
    assertObjectPayload(message)
    return encodeArrayFrame(message)
  },
})

/**
 * The client's V2 serializer. `encode` writes a JSON array, or a binary kind 0 client push
 * when the payload is a `Uint8Array`/`ArrayBuffer`. `decode` reads JSON arrays and binary
 * kinds 0, 1 and 2 (server layouts); binary payloads come back as `Uint8Array`.
 */
export const v2ClientSerializer: ClientSerializer = Object.freeze({
  encode(message: Message): Frame {
    const bytes = asBytes(message.payload)
    if (bytes !== undefined) return encodeClientPush(message, bytes)
    return encodeArrayFrame(message)
  },
  decode(frame: Frame): Message {
    if (typeof frame === 'string') return decodeArrayFrame(frame)
    if (frame instanceof Uint8Array) return decodeServerFrame(frame)
    throw notAFrame(frame)
  },
})
