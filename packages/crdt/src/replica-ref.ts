// Replica refs and dot keys. A ref is the string "<name>#<vsn>"; the vsn never
// contains '#', so the last '#' splits it. A dot is keyed "<clock>:<ref>" in maps.
import { CrdtError } from './errors.js'
import type { ReplicaRef } from './types.js'
import { describeValue } from './validate.js'

/**
 * Builds a replica ref.
 * @example replicaRef('node1', 'k3x9') // 'node1#k3x9'
 */
export function replicaRef(name: string, vsn: string | number): ReplicaRef {
  if (typeof name !== 'string' || name.length === 0) {
    throw new CrdtError('INVALID_ARGUMENT', 'replica name must be a non-empty string')
  }
  if (typeof vsn !== 'string' && typeof vsn !== 'number') {
    throw new CrdtError(
      'INVALID_ARGUMENT',
      `vsn must be a string or a number: ${describeValue(vsn)}`,
    )
  }
  const v = String(vsn)
  if (v.length === 0 || v.includes('#')) {
    throw new CrdtError('INVALID_ARGUMENT', `vsn must be non-empty and contain no '#': ${v}`)
  }
  return `${name}#${v}`
}

/** Splits a ref into its name and vsn; throws CrdtError INVALID_INPUT when malformed. */
export function parseReplicaRef(ref: ReplicaRef): { name: string; vsn: string } {
  const at = typeof ref === 'string' ? ref.lastIndexOf('#') : -1
  if (at <= 0 || at === ref.length - 1) {
    throw new CrdtError('INVALID_INPUT', `malformed replica ref: ${describeValue(ref)}`)
  }
  return { name: ref.slice(0, at), vsn: ref.slice(at + 1) }
}

/** True when `ref` is a well-formed replica ref. */
export function isReplicaRef(ref: unknown): ref is ReplicaRef {
  if (typeof ref !== 'string') return false
  const at = ref.lastIndexOf('#')
  return at > 0 && at < ref.length - 1
}

/** The node name part of a ref. */
export function replicaName(ref: ReplicaRef): string {
  return parseReplicaRef(ref).name
}

/** Map key of the dot `(replica, clock)`. */
export function tagKey(replica: ReplicaRef, clock: number): string {
  return `${clock}:${replica}`
}
