// Argument checks of TrackerState's local writes: callers outside TypeScript (or a peer's
// data passed through) get a CrdtError INVALID_ARGUMENT rather than a corrupted index.
import { CrdtError } from './errors.js'
import type { Meta } from './types.js'

/** Throws INVALID_ARGUMENT unless owner, topic and key are strings. */
export function checkArgs(owner: string, topic: string, key: string): void {
  for (const [name, v] of [
    ['owner', owner],
    ['topic', topic],
    ['key', key],
  ] as const) {
    if (typeof v !== 'string') throw new CrdtError('INVALID_ARGUMENT', `${name} must be a string`)
  }
}

/** Throws INVALID_ARGUMENT unless meta is a plain object. */
export function checkMeta(meta: Meta): void {
  if (typeof meta !== 'object' || meta === null || Array.isArray(meta)) {
    throw new CrdtError('INVALID_ARGUMENT', 'meta must be a plain object')
  }
}
