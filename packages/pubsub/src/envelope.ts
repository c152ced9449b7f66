// The wire envelope every adapter carries between nodes, and its JSON codec. Messages are
// JSON values plus Uint8Array; bytes travel as {"$bytes":"<base64>"} and any literal
// single-key object whose key starts with "$" is escaped as {"$": {...}} so it round-trips.

import { Buffer } from 'node:buffer'
import { PubSubError } from './errors.js'
import type { Message } from './types.js'

/**
 * One message between nodes (the Redis adapter's `(vsn, mode, node, topic, msg, dispatcher)`
 * tuple as JSON). Receivers dispatch it when `mode === 'only' && node === me` or
 * `mode === 'except' && node !== me`, and ignore it otherwise.
 */
export interface Envelope {
  /** Format version; receivers reject anything else. */
  v: 1
  /** `'except'`: for every node but `node`; `'only'`: for `node` alone. */
  mode: 'except' | 'only'
  /** `'except'`: the sender; `'only'`: the target. */
  node: string
  /** The sending node's name (for logs and diagnostics). */
  sender: string
  topic: string
  /** Dispatcher name the receiver uses for its local dispatch. */
  dispatcher: string
  message: Message
}

const BYTES = '$bytes'
const ESCAPE = '$'
const BASE64 = /^[A-Za-z0-9+/]*={0,2}$/

/**
 * Encodes an envelope as JSON text, tagging Uint8Array values so they survive.
 * @throws PubSubError `BAD_MESSAGE` when the message holds a bigint, function, symbol,
 * non-finite number, Map/Set, non-Uint8Array binary view, a cycle, or is `undefined`.
 */
export function encodeEnvelope(env: Envelope): string {
  if (env.message === undefined) {
    throw new PubSubError('BAD_MESSAGE', 'message is undefined; send null instead')
  }
  let message: unknown
  try {
    message = toWire(env.message, new Set(), 'message')
  } catch (cause) {
    if (cause instanceof PubSubError) throw cause
    // e.g. RangeError from a message nested too deeply for the stack, or a throwing toJSON
    throw new PubSubError('BAD_MESSAGE', 'message cannot be encoded', { cause })
  }
  // A top-level toJSON() may yield undefined: the "message" field would vanish from the JSON.
  if (message === undefined) {
    throw new PubSubError('BAD_MESSAGE', 'message.toJSON() returned undefined; send null instead')
  }
  return JSON.stringify({
    v: env.v,
    mode: env.mode,
    node: env.node,
    sender: env.sender,
    topic: env.topic,
    dispatcher: env.dispatcher,
    message,
  })
}

/**
 * Parses and validates envelope text produced by {@link encodeEnvelope}.
 * @throws PubSubError `BAD_ENVELOPE` on invalid JSON, wrong shape or unknown version.
 */
export function decodeEnvelope(text: string): Envelope {
  let raw: unknown
  try {
    raw = JSON.parse(text)
  } catch (cause) {
    throw new PubSubError('BAD_ENVELOPE', 'envelope is not valid JSON', { cause })
  }
  const env = checkShape(raw)
  try {
    return { ...env, message: fromWire(env.message) }
  } catch (cause) {
    if (cause instanceof PubSubError) throw cause
    throw new PubSubError('BAD_ENVELOPE', 'envelope message cannot be decoded', { cause })
  }
}

const ONLY_HEADER = '{"v":1,"mode":"only","node":'
const EXCEPT_HEADER = '{"v":1,"mode":"except","node":'

/**
 * A test on envelope text, run before decoding it: true when the header written by
 * {@link encodeEnvelope} (`v`, `mode` and `node` come first) shows the envelope is not for
 * `nodeName` — a direct send to another node, or this node's own broadcast. On a shared
 * channel every node sees every direct send, so skipping them unread saves a full decode.
 * Text in any other layout returns false and goes through the full decode and filter.
 */
export function envelopeHeaderFilter(nodeName: string): (text: string) => boolean {
  const node = `${JSON.stringify(nodeName)},`
  const onlyMe = ONLY_HEADER + node
  const exceptMe = EXCEPT_HEADER + node
  return (text) =>
    text.startsWith(ONLY_HEADER) ? !text.startsWith(onlyMe) : text.startsWith(exceptMe)
}

function checkShape(raw: unknown): Envelope {
  if (!isRecord(raw)) throw bad('envelope is not a JSON object')
  const { v, mode, node, sender, topic, dispatcher } = raw
  if (v !== 1) throw bad(`unsupported envelope version ${JSON.stringify(v) ?? 'undefined'}`)
  if (mode !== 'except' && mode !== 'only') throw bad('envelope mode must be "except" or "only"')
  for (const [key, value] of [
    ['node', node],
    ['sender', sender],
    ['topic', topic],
    ['dispatcher', dispatcher],
  ] as const) {
    if (typeof value !== 'string') throw bad(`envelope field "${key}" must be a string`)
  }
  if (!Object.hasOwn(raw, 'message')) throw bad('envelope has no "message"')
  return raw as unknown as Envelope
}

function toWire(value: unknown, stack: Set<object>, path: string): unknown {
  switch (typeof value) {
    case 'string':
    case 'boolean':
      return value
    case 'number':
      if (!Number.isFinite(value)) throw badMessage(path, `non-finite number ${value}`)
      return value
    case 'undefined':
      return undefined // dropped in objects, null in arrays: JSON semantics
    case 'bigint':
    case 'symbol':
    case 'function':
      throw badMessage(path, `a ${typeof value}`)
    case 'object':
      return value === null ? null : objectToWire(value, stack, path)
  }
}

function objectToWire(value: object, stack: Set<object>, path: string): unknown {
  if (value instanceof Uint8Array) return { [BYTES]: bytesToBase64(value) }
  if (ArrayBuffer.isView(value) || value instanceof ArrayBuffer) {
    throw badMessage(path, `a ${value.constructor.name} (only Uint8Array is carried)`)
  }
  if (value instanceof Map || value instanceof Set) {
    throw badMessage(path, `a ${value.constructor.name} (convert it to an array or object)`)
  }
  if (stack.has(value)) throw badMessage(path, 'a circular reference')
  const toJSON = (value as { toJSON?: unknown }).toJSON
  if (typeof toJSON === 'function') return toWire(toJSON.call(value) as unknown, stack, path)
  stack.add(value)
  try {
    if (Array.isArray(value)) {
      return value.map((item: unknown, i) => toWire(item, stack, `${path}[${i}]`) ?? null)
    }
    const out: Record<string, unknown> = {}
    const keys = Object.keys(value)
    for (const key of keys) {
      const item = toWire((value as Record<string, unknown>)[key], stack, `${path}.${key}`)
      if (item !== undefined) setOwn(out, key, item)
    }
    const outKeys = Object.keys(out)
    return outKeys.length === 1 && outKeys[0]?.startsWith('$') === true ? { [ESCAPE]: out } : out
  } finally {
    stack.delete(value)
  }
}

function fromWire(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(fromWire)
  if (!isRecord(value)) return value
  const keys = Object.keys(value)
  if (keys.length === 1) {
    const tagged = value[BYTES]
    if (typeof tagged === 'string') return base64ToBytes(tagged)
    const escaped = value[ESCAPE]
    if (isRecord(escaped)) return decodeFields(escaped)
  }
  return decodeFields(value)
}

function decodeFields(record: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = {}
  for (const key of Object.keys(record)) {
    setOwn(out, key, fromWire(record[key]))
  }
  return out
}

/** Plain assignment of "__proto__" would replace the prototype; keep it an own data key. */
function setOwn(target: Record<string, unknown>, key: string, value: unknown): void {
  Object.defineProperty(target, key, {
    value,
    enumerable: true,
    writable: true,
    configurable: true,
  })
}

function bytesToBase64(bytes: Uint8Array): string {
  return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('base64')
}

function base64ToBytes(text: string): Uint8Array {
  if (text.length % 4 !== 0 || !BASE64.test(text)) throw bad('invalid base64 in "$bytes"')
  const buf = Buffer.from(text, 'base64')
  return new Uint8Array(buf.buffer.slice(buf.byteOffset, buf.byteOffset + buf.byteLength))
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value)
}

function bad(message: string): PubSubError {
  return new PubSubError('BAD_ENVELOPE', message)
}

function badMessage(path: string, what: string): PubSubError {
  return new PubSubError('BAD_MESSAGE', `${path} is ${what}, which cannot be sent between nodes`)
}
