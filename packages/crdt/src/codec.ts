// JSON wire codec (docs/tracker.md): contexts, clouds, values, deltas, full states and the four
// replication messages, as plain JSON data. Decoding validates everything and throws a
// CrdtError INVALID_INPUT, so a peer's malformed message can be logged and dropped.
import { CrdtError } from './errors.js'
import { isReplicaRef, tagKey } from './replica-ref.js'
import type {
  Clouds,
  Context,
  Delta,
  Entry,
  Meta,
  Payload,
  ReadonlyClouds,
  ReadonlyContext,
  ReplicaRef,
  StateExtract,
  Values,
} from './types.js'

/** Context on the wire: `{ "<ref>": clock }`. */
export type WireContext = Record<string, number>
/** Clouds on the wire: `{ "<ref>": [clock, …] }`. */
export type WireClouds = Record<string, number[]>
/** One value on the wire: `[ref, clock, owner, topic, key, meta]`. */
export type WireValue = [ReplicaRef, number, string, string, string, Meta]
/** A delta on the wire. */
export interface WireDelta {
  mode: 'delta'
  values: WireValue[]
  clouds: WireClouds
  range: [WireContext, WireContext]
}
/** A full state on the wire. */
export interface WireState {
  mode: 'normal'
  context: WireContext
  clouds: WireClouds
  values: WireValue[]
}

function fail(what: string): never {
  throw new CrdtError('INVALID_INPUT', `malformed ${what}`)
}

/** True for a non-null, non-array object. */
export function isObject(x: unknown): x is Record<string, unknown> {
  return typeof x === 'object' && x !== null && !Array.isArray(x)
}

function isClock(x: unknown, min: number): x is number {
  return typeof x === 'number' && Number.isSafeInteger(x) && x >= min
}

/** Encodes a context. */
export function encodeContext(ctx: ReadonlyContext): WireContext {
  const out: WireContext = {}
  for (const [r, c] of ctx) out[r] = c
  return out
}

/** Decodes a context; throws CrdtError INVALID_INPUT. */
export function decodeContext(x: unknown): Context {
  if (!isObject(x)) fail('context')
  const out: Context = new Map()
  for (const [r, c] of Object.entries(x)) {
    if (!isReplicaRef(r) || !isClock(c, 0)) fail('context entry')
    out.set(r, c)
  }
  return out
}

function encodeClouds(clouds: ReadonlyClouds): WireClouds {
  const out: WireClouds = {}
  for (const [r, dots] of clouds) if (dots.size > 0) out[r] = [...dots].sort((a, b) => a - b)
  return out
}

function decodeClouds(x: unknown): Clouds {
  if (!isObject(x)) fail('clouds')
  const out: Clouds = new Map()
  for (const [r, dots] of Object.entries(x)) {
    if (!isReplicaRef(r) || !Array.isArray(dots)) fail('cloud')
    const set = new Set<number>()
    for (const c of dots as unknown[]) {
      if (!isClock(c, 1)) fail('cloud dot')
      set.add(c)
    }
    out.set(r, set)
  }
  return out
}

function encodeValues(values: Values): WireValue[] {
  return [...values.values()].map((e) => [e.replica, e.clock, e.owner, e.topic, e.key, e.meta])
}

function decodeValues(x: unknown): Map<string, Entry> {
  if (!Array.isArray(x)) fail('values')
  const out = new Map<string, Entry>()
  for (const v of x as unknown[]) {
    if (!Array.isArray(v) || v.length !== 6) fail('value')
    const [replica, clock, owner, topic, key, meta] = v as unknown[]
    if (!isReplicaRef(replica) || !isClock(clock, 1)) fail('value dot')
    if (typeof owner !== 'string' || typeof topic !== 'string' || typeof key !== 'string')
      fail('value key')
    if (!isObject(meta)) fail('value meta')
    out.set(tagKey(replica, clock), { replica, clock, owner, topic, key, meta })
  }
  return out
}

/** Encodes a delta or a full state. */
export function encodePayload(p: Payload): WireDelta | WireState {
  if (p.mode === 'delta') return encodeDelta(p)
  return encodeState(p)
}

/** Encodes a delta. */
export function encodeDelta(d: Delta): WireDelta {
  return {
    mode: 'delta',
    values: encodeValues(d.values),
    clouds: encodeClouds(d.clouds),
    range: [encodeContext(d.start), encodeContext(d.end)],
  }
}

/** Encodes a full state extract. */
export function encodeState(s: StateExtract): WireState {
  return {
    mode: 'normal',
    context: encodeContext(s.context),
    clouds: encodeClouds(s.clouds),
    values: encodeValues(s.values),
  }
}

/** Decodes a delta or a full state; throws CrdtError INVALID_INPUT. */
export function decodePayload(x: unknown): Payload {
  if (!isObject(x)) fail('payload')
  if (x['mode'] === 'delta') return decodeDelta(x)
  if (x['mode'] === 'normal') {
    return {
      mode: 'normal',
      context: decodeContext(x['context']),
      clouds: decodeClouds(x['clouds']),
      values: decodeValues(x['values']),
    }
  }
  return fail('payload mode')
}

/** Decodes a delta; throws CrdtError INVALID_INPUT. */
export function decodeDelta(x: unknown): Delta {
  if (!isObject(x) || x['mode'] !== 'delta') fail('delta')
  const range = x['range']
  if (!Array.isArray(range) || range.length !== 2) fail('delta range')
  const [start, end] = range as unknown[]
  return {
    mode: 'delta',
    values: decodeValues(x['values']),
    clouds: decodeClouds(x['clouds']),
    start: decodeContext(start),
    end: decodeContext(end),
  }
}
