// Splitting a replication message that is larger than the adapter's message limit into
// parts, and putting it back together on the receiving side. A full-state transfer of a big
// shard is megabytes of JSON; brokers refuse such payloads (NATS: 1 MiB by default). Parts
// carry slices of the message's JSON text, so any message kind can be split. A lost part
// leaves an incomplete message that expires: the receiver's next transfer request (or the
// next delta) repairs what it missed, as after any lost message.
import { Buffer } from 'node:buffer'
import { decodeMessage, isReplicaRef } from '@plume/crdt'
import type { ReplicationMessage } from '@plume/crdt'

/** One slice of a split message on the wire. */
export interface Part {
  readonly t: 'part'
  /** The sending replica. */
  readonly from: string
  /** Identifies the split message among the sender's. */
  readonly id: string
  readonly i: number
  readonly n: number
  readonly text: string
}

/** Most parts one message may have (at 1 MiB each: far beyond any sane shard). */
export const MAX_PARTS = 65_536
/** Smallest slice budget that makes progress on any text (an escaped character is ≤ 6 bytes). */
const MIN_BUDGET = 64

/** UTF-8 size of `s` once written as a JSON string. */
function jsonBytes(s: string): number {
  return Buffer.byteLength(JSON.stringify(s))
}

/**
 * Cuts `text` into slices whose JSON string form is at most `budget` UTF-8 bytes. A slice may
 * end inside a surrogate pair: JSON escapes the lone half, and joining the slices restores it.
 */
export function splitText(text: string, budget: number): string[] {
  if (!(budget >= MIN_BUDGET)) throw new RangeError(`part budget ${budget} < ${MIN_BUDGET}`)
  const out: string[] = []
  let guess = budget
  for (let at = 0; at < text.length;) {
    let len = Math.min(guess, text.length - at)
    let size = jsonBytes(text.slice(at, at + len))
    while (size > budget) {
      len = Math.max(1, Math.floor((len * budget * 0.97) / size))
      size = jsonBytes(text.slice(at, at + len))
    }
    out.push(text.slice(at, at + len))
    at += len
    guess = Math.max(len, Math.floor(budget / 2))
  }
  return out
}

const isIndex = (x: unknown, below: number): x is number =>
  typeof x === 'number' && Number.isSafeInteger(x) && x >= 0 && x < below

/** Validates a received part; undefined when `x` is not a well-formed one. */
export function decodePart(x: unknown): Part | undefined {
  if (typeof x !== 'object' || x === null) return undefined
  const { t, from, id, i, n, text } = x as Record<string, unknown>
  if (t !== 'part' || !isReplicaRef(from) || typeof text !== 'string') return undefined
  if (typeof id !== 'string' || id.length === 0 || id.length > 64) return undefined
  if (!isIndex(n, MAX_PARTS + 1) || n === 0 || !isIndex(i, n)) return undefined
  return { t, from, id, i, n, text }
}

interface Incomplete {
  readonly slices: Array<string | undefined>
  got: number
  readonly since: number
}

/**
 * Collects parts per (sender, id) until a message is complete. Keeps at most `perSender`
 * incomplete messages per sender (the oldest goes first), and `expire` drops stale ones.
 */
export class Reassembly {
  readonly #pending = new Map<string, Map<string, Incomplete>>()
  readonly #perSender: number

  constructor(perSender = 4) {
    this.#perSender = perSender
  }

  /** Adds a part; returns the message's whole JSON text once its last part arrived. */
  add(part: Part, now: number): string | undefined {
    const own = this.#own(part.from)
    let msg = own.get(part.id)
    if (msg === undefined || msg.slices.length !== part.n) {
      msg = { slices: new Array<string | undefined>(part.n), got: 0, since: now }
      own.set(part.id, msg)
      if (own.size > this.#perSender) own.delete(own.keys().next().value as string)
    }
    if (msg.slices[part.i] === undefined) msg.got++
    msg.slices[part.i] = part.text
    if (msg.got < part.n) return undefined
    own.delete(part.id)
    if (own.size === 0) this.#pending.delete(part.from)
    return msg.slices.join('')
  }

  /** Drops incomplete messages started before `before`. */
  expire(before: number): void {
    for (const [from, own] of this.#pending) {
      for (const [id, msg] of own) if (msg.since < before) own.delete(id)
      if (own.size === 0) this.#pending.delete(from)
    }
  }

  /** Incomplete messages held (for tests and diagnostics). */
  get size(): number {
    let total = 0
    for (const own of this.#pending.values()) total += own.size
    return total
  }

  #own(from: string): Map<string, Incomplete> {
    let own = this.#pending.get(from)
    if (own === undefined) this.#pending.set(from, (own = new Map<string, Incomplete>()))
    return own
  }
}

/**
 * Decodes a received replication message, feeding parts to `parts`: returns the message, or
 * undefined while a split message is incomplete. Throws on malformed input (CrdtError, or a
 * SyntaxError for reassembled text that is not JSON).
 */
export function readMessage(
  raw: unknown,
  parts: Reassembly,
  now: number,
): ReplicationMessage | undefined {
  if (typeof raw !== 'object' || raw === null || (raw as { t?: unknown }).t !== 'part')
    return decodeMessage(raw)
  const part = decodePart(raw)
  if (part === undefined) throw new TypeError('malformed message part')
  const text = parts.add(part, now)
  return text === undefined ? undefined : decodeMessage(JSON.parse(text))
}
