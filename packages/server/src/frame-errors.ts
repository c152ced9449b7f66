// What to do with a frame the serializer rejects. When a ref and topic can still be read
// from it, the client gets an error reply to that ref (its push settles with "error");
// otherwise the connection closes: 1003 for binary on a V1 connection, 1007 for the rest.

import { ProtocolError, type Frame, type Message } from '@plume/protocol'
import { CloseCode } from './transports/socket-like.js'

export type BadFrameAction =
  | {
      readonly kind: 'reply'
      readonly ref: string
      readonly topic: string
      readonly reason: string
    }
  | { readonly kind: 'close'; readonly code: number; readonly reason: string }

function recoverRefs(frame: Frame): { ref: string; topic: string } | undefined {
  if (typeof frame !== 'string') return undefined
  let value: unknown
  try {
    value = JSON.parse(frame)
  } catch {
    return undefined
  }
  let ref: unknown
  let topic: unknown
  if (Array.isArray(value)) {
    ref = value[1]
    topic = value[2]
  } else if (typeof value === 'object' && value !== null) {
    ;({ ref, topic } = value as { ref?: unknown; topic?: unknown })
  }
  return typeof ref === 'string' && typeof topic === 'string' ? { ref, topic } : undefined
}

/** The reason to show the client; a custom serializer may throw anything, even unprintable. */
function describeError(error: unknown): string {
  try {
    return error instanceof Error ? String(error.message) : String(error)
  } catch {
    return 'the frame could not be decoded'
  }
}

export function classifyBadFrame(frame: Frame, error: unknown): BadFrameAction {
  const detail = describeError(error)
  if (error instanceof ProtocolError && error.code === 'BINARY_UNSUPPORTED') {
    return {
      kind: 'close',
      code: CloseCode.unsupportedData,
      reason: 'binary frames need vsn 2.0.0',
    }
  }
  const refs = recoverRefs(frame)
  if (refs !== undefined) return { kind: 'reply', ...refs, reason: detail }
  return { kind: 'close', code: CloseCode.invalidPayload, reason: 'invalid frame' }
}

const isRef = (v: unknown): boolean => v === null || typeof v === 'string'

/**
 * Checks what a serializer decoded. The built-in ones guarantee this shape; a custom one
 * may not, and an object where a topic string belongs must be refused here, as a bad frame,
 * rather than fail later inside routing.
 */
export function checkDecoded(msg: Message): Message {
  const m = msg as Partial<Record<keyof Message, unknown>> | null
  const strings = typeof m?.topic === 'string' && typeof m.event === 'string'
  if (strings && isRef(m?.ref) && isRef(m?.joinRef)) return msg
  throw new ProtocolError(
    'INVALID_MESSAGE',
    'the serializer decoded a message whose topic, event, ref or join_ref is not a string',
  )
}
