// The one home of the argument checks on presence writes. TrackerState and the Tracker both
// need them but throw their own error classes, so the checks return the problem (a message)
// and each caller wraps it in its error; callers outside TypeScript (or a peer's data passed
// through) get a clear error rather than a corrupted index.
import { CrdtError } from './errors.js'
import type { Meta } from './types.js'

/**
 * Names the kind of a value without calling its toString or valueOf, which untrusted
 * input may have replaced with a trap (`{ toString: null }`, a throwing getter…).
 */
export function describeValue(v: unknown): string {
  if (typeof v === 'string') return JSON.stringify(v.length > 40 ? `${v.slice(0, 40)}…` : v)
  if (typeof v === 'number' || typeof v === 'boolean') return `${v}`
  if (v === null) return 'null'
  return Array.isArray(v) ? 'an array' : `a ${typeof v}`
}

/** The problem with a string argument, or undefined when it is a string. */
export function stringProblem(name: string, v: unknown): string | undefined {
  return typeof v === 'string' ? undefined : `${name} must be a string, got ${describeValue(v)}`
}

/** The problem with a meta, or undefined when it is a plain (non-null, non-array) object. */
export function metaProblem(meta: unknown): string | undefined {
  if (typeof meta === 'object' && meta !== null && !Array.isArray(meta)) return undefined
  return `meta must be a plain object, got ${describeValue(meta)}`
}

/** The first problem with (owner, topic, key), or undefined when all are strings. */
export function keyProblem(owner: unknown, topic: unknown, key: unknown): string | undefined {
  return stringProblem('owner', owner) ?? stringProblem('topic', topic) ?? stringProblem('key', key)
}

/** Throws INVALID_ARGUMENT unless owner, topic and key are strings. */
export function checkArgs(owner: string, topic: string, key: string): void {
  const problem = keyProblem(owner, topic, key)
  if (problem !== undefined) throw new CrdtError('INVALID_ARGUMENT', problem)
}

/** Throws INVALID_ARGUMENT unless meta is a plain object. */
export function checkMeta(meta: Meta): void {
  const problem = metaProblem(meta)
  if (problem !== undefined) throw new CrdtError('INVALID_ARGUMENT', problem)
}
