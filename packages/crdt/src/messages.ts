// The four replication messages of a tracker shard and their JSON form
// `{t, from, ref?, delta|state?, clock?}`. decodeMessage validates the whole message and
// throws CrdtError INVALID_INPUT; it never returns a half-checked value.
import {
  decodeContext,
  decodeDelta,
  decodePayload,
  encodeContext,
  encodeDelta,
  encodePayload,
  isObject,
} from './codec.js'
import type { WireContext, WireDelta, WireState } from './codec.js'
import { CrdtError } from './errors.js'
import { isReplicaRef } from './replica-ref.js'
import { describeValue } from './validate.js'
import type { Context, Delta, Payload, ReplicaRef } from './types.js'

/** A decoded replication message. */
export type ReplicationMessage =
  | {
      readonly t: 'hb'
      readonly from: ReplicaRef
      readonly delta: Delta | null
      readonly clock: Context
    }
  | { readonly t: 'treq'; readonly from: ReplicaRef; readonly ref: string; readonly clock: Context }
  | {
      readonly t: 'tack'
      readonly from: ReplicaRef
      readonly ref: string
      readonly payload: Payload
    }
  | { readonly t: 'perm'; readonly from: ReplicaRef }

/** A replication message as plain JSON data. */
export type WireMessage =
  | { t: 'hb'; from: string; delta: WireDelta | null; clock: WireContext }
  | { t: 'treq'; from: string; ref: string; clock: WireContext }
  | { t: 'tack'; from: string; ref: string; delta: WireDelta }
  | { t: 'tack'; from: string; ref: string; state: WireState }
  | { t: 'perm'; from: string }

const MAX_REF = 256

/** Encodes a replication message to plain JSON data. */
export function encodeMessage(m: ReplicationMessage): WireMessage {
  switch (m.t) {
    case 'hb':
      return {
        t: 'hb',
        from: m.from,
        delta: m.delta ? encodeDelta(m.delta) : null,
        clock: encodeContext(m.clock),
      }
    case 'treq':
      return { t: 'treq', from: m.from, ref: m.ref, clock: encodeContext(m.clock) }
    case 'tack': {
      const p = encodePayload(m.payload)
      return p.mode === 'delta'
        ? { t: 'tack', from: m.from, ref: m.ref, delta: p }
        : { t: 'tack', from: m.from, ref: m.ref, state: p }
    }
    case 'perm':
      return { t: 'perm', from: m.from }
  }
}

function requestRef(x: unknown): string {
  if (typeof x !== 'string' || x.length === 0 || x.length > MAX_REF) {
    throw new CrdtError('INVALID_INPUT', 'malformed request ref')
  }
  return x
}

/** Decodes and validates a replication message; throws CrdtError INVALID_INPUT. */
export function decodeMessage(x: unknown): ReplicationMessage {
  if (!isObject(x)) throw new CrdtError('INVALID_INPUT', 'message is not an object')
  const from = x['from']
  if (!isReplicaRef(from)) throw new CrdtError('INVALID_INPUT', 'malformed message sender')
  switch (x['t']) {
    case 'hb':
      return {
        t: 'hb',
        from,
        delta: x['delta'] === null ? null : decodeDelta(x['delta']),
        clock: decodeContext(x['clock']),
      }
    case 'treq':
      return { t: 'treq', from, ref: requestRef(x['ref']), clock: decodeContext(x['clock']) }
    case 'tack': {
      const body = 'delta' in x ? x['delta'] : x['state']
      const payload = decodePayload(body)
      if ('delta' in x !== (payload.mode === 'delta'))
        throw new CrdtError('INVALID_INPUT', 'tack body mismatch')
      return { t: 'tack', from, ref: requestRef(x['ref']), payload }
    }
    case 'perm':
      return { t: 'perm', from }
    default:
      throw new CrdtError('INVALID_INPUT', `unknown message type ${describeValue(x['t'])}`)
  }
}
