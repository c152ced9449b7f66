// Reserved event names, the socket-level topic and the reply shape (docs/protocol.md
// "Reserved topics and events"). Defined once here so server and client never disagree.

import type { Message, ReplyPayload } from './types.js'

/** The reserved Phoenix events. Everything else is an application event. */
export const Events = Object.freeze({
  join: 'phx_join',
  reply: 'phx_reply',
  leave: 'phx_leave',
  close: 'phx_close',
  error: 'phx_error',
  heartbeat: 'heartbeat',
} as const)

/** The topic of socket-level traffic (heartbeats); it needs no join. */
export const PHOENIX_TOPIC = 'phoenix'

/** The `vsn` query parameter `phoenix.js` sends, selecting the V2 serializer. */
export const DEFAULT_VSN = '2.0.0'

/**
 * Builds a `phx_reply` message: `payload = {status, response}`.
 *
 * @example
 * replyMessage('1', '3', 'room:1', 'ok', {}) // [ "1", "3", "room:1", "phx_reply", {status:"ok",response:{}} ]
 */
export function replyMessage(
  joinRef: string | null,
  ref: string | null,
  topic: string,
  status: string,
  response: unknown,
): Message<ReplyPayload> {
  return { joinRef, ref, topic, event: Events.reply, payload: { status, response } }
}

/** True when `p` has the `phx_reply` payload shape: a string `status` and a `response` key. */
export function isReplyPayload(p: unknown): p is ReplyPayload {
  if (typeof p !== 'object' || p === null) return false
  return typeof (p as { status?: unknown }).status === 'string' && 'response' in p
}
