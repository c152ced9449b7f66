// Run-time checks of what user code hands back: payloads must be plain objects or bytes,
// callback results must be values built by the result helpers. A failure is a ServerError
// thrown inside the channel's task, so it crashes that channel only, with a clear message.

import { ServerError } from './errors.js'
import type { InfoResult, InResult, JoinResult, Payload, Reply } from './results.js'

function isPlainObject(value: unknown): boolean {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return false
  const proto = Object.getPrototypeOf(value) as object | null
  return proto === null || Object.getPrototypeOf(proto) === null
}

/** True for what may travel as a payload: a plain object or a Uint8Array. */
export function isPayload(value: unknown): value is Payload {
  return value instanceof Uint8Array || isPlainObject(value)
}

export function assertPayload(value: unknown, what: string): asserts value is Payload {
  if (isPayload(value)) return
  const got = value === null ? 'null' : Array.isArray(value) ? 'an array' : typeof value
  throw new ServerError(
    'INVALID_PAYLOAD',
    `${what} payload must be a plain object or a Uint8Array, got ${got}`,
  )
}

function typeOf(value: unknown): unknown {
  return typeof value === 'object' && value !== null
    ? (value as { type?: unknown }).type
    : undefined
}

function invalid(callback: string, expected: string, value: unknown): ServerError {
  let shown: string
  try {
    shown = JSON.stringify(value) ?? String(value)
  } catch {
    shown = String(value)
  }
  return new ServerError('INVALID_RESULT', `${callback} must return ${expected}, got ${shown}`)
}

function isReply(value: unknown): value is Reply {
  const r = value as Reply
  return typeOf(value) === 'reply' && typeof r.status === 'string' && isPayload(r.response)
}

export function checkJoinResult(value: unknown): JoinResult {
  const t = typeOf(value)
  if ((t === 'ok' || t === 'error') && isPayload((value as JoinResult).response)) {
    return value as JoinResult
  }
  throw invalid('join', 'ok(), ok(reply) or error(reply) with object replies', value)
}

function isStop(value: unknown): boolean {
  const s = value as { reason?: unknown; reply?: unknown }
  const reasonOk =
    typeof s.reason === 'string' ||
    (typeof s.reason === 'object' &&
      s.reason !== null &&
      typeof (s.reason as { shutdown?: unknown }).shutdown === 'string')
  return typeOf(value) === 'stop' && reasonOk && (s.reply === undefined || isReply(s.reply))
}

export function checkInResult(value: unknown): InResult {
  if (value === undefined || typeOf(value) === 'noreply' || isReply(value) || isStop(value)) {
    return value as InResult
  }
  throw invalid(
    'handleIn',
    'reply(status, object), noReply(), stop(reason, reply?) or nothing',
    value,
  )
}

export function checkInfoResult(value: unknown, callback: string): InfoResult {
  if (value === undefined || typeOf(value) === 'noreply' || isStop(value))
    return value as InfoResult
  throw invalid(callback, 'noReply(), stop(reason) or nothing', value)
}
