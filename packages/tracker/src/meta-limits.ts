// Wire-safety of presence metas. A meta travels inside every heartbeat and transfer of its
// shard and inside every presence_diff to browsers, all as JSON. A value JSON cannot carry
// (a bigint, a cycle, NaN) would make each of those encodes fail for as long as the presence
// lives, stalling the shard's replication; so track/update refuse such a meta up front.
import { TrackerError } from './errors.js'
import type { Meta } from './diff.js'

/** Default cap of a meta's JSON encoding, in UTF-8 bytes. */
export const DEFAULT_MAX_META_BYTES = 4096

/** Deepest nesting a meta may have (objects and arrays), far beyond any real presence. */
export const MAX_META_DEPTH = 32

const encoder = new TextEncoder()

function refuse(path: string, why: string): never {
  throw new TrackerError('INVALID_META', `meta${path} ${why}`)
}

function isPlain(v: object): boolean {
  const proto: unknown = Object.getPrototypeOf(v)
  return proto === Object.prototype || proto === null
}

function checkNumber(n: number, path: string): void {
  if (!Number.isFinite(n)) refuse(path, `is ${String(n)}, which JSON cannot carry`)
}

function checkObject(v: object, path: string, depth: number, seen: Set<object>): void {
  if (depth > MAX_META_DEPTH) refuse(path, `nests deeper than ${MAX_META_DEPTH} levels`)
  if (seen.has(v)) refuse(path, 'is a cycle (refers to itself)')
  seen.add(v)
  if (Array.isArray(v)) {
    for (let i = 0; i < v.length; i++) {
      if (!(i in v)) refuse(`${path}[${i}]`, 'is a hole in a sparse array')
      checkValue(v[i], `${path}[${i}]`, depth + 1, seen)
    }
  } else if (isPlain(v)) {
    for (const k of Object.keys(v)) checkValue((v as Meta)[k], `${path}.${k}`, depth + 1, seen)
  } else {
    const kind = (v.constructor as { name?: unknown } | undefined)?.name
    refuse(
      path,
      `is a ${typeof kind === 'string' ? kind : 'class instance'}; only plain objects, arrays, strings, finite numbers, booleans and null are allowed`,
    )
  }
  seen.delete(v)
}

function checkValue(v: unknown, path: string, depth: number, seen: Set<object>): void {
  switch (typeof v) {
    case 'string':
    case 'boolean':
      return
    case 'number':
      return checkNumber(v, path)
    case 'object':
      if (v === null) return
      return checkObject(v, path, depth, seen)
    case 'bigint':
    case 'function':
    case 'symbol':
    case 'undefined':
      refuse(path, `is a ${typeof v}, which JSON cannot carry`)
  }
}

/**
 * Returns `meta` when the wire can carry it unchanged: a plain object of JSON values (strings,
 * finite numbers, booleans, null, plain objects, dense arrays), without cycles, at most
 * {@link MAX_META_DEPTH} deep and at most `maxBytes` once encoded.
 * @throws TrackerError INVALID_META naming the offending path, INVALID_ARGUMENT for a non-object
 */
export function checkWireMeta(meta: unknown, maxBytes: number): Meta {
  if (typeof meta !== 'object' || meta === null || Array.isArray(meta)) {
    throw new TrackerError('INVALID_ARGUMENT', 'meta must be a plain object')
  }
  checkValue(meta, '', 0, new Set())
  const bytes = encoder.encode(JSON.stringify(meta)).length
  if (bytes > maxBytes) refuse('', `encodes to ${bytes} bytes, over the ${maxBytes}-byte limit`)
  return meta as Meta
}
