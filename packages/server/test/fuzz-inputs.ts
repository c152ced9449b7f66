// Seeded generators of hostile input for the fuzzer. Every input says what the server owes
// it: `reply` inputs carry a fresh string ref and topic, so the server must answer that ref
// (an error reply for a frame it cannot decode); `fatal` inputs have no recoverable ref, so
// the server may close the connection (with a documented code) or, if it could use the
// input after all, keep going.

const utf8 = new TextEncoder()

/** A client binary push, `0 | len×4 | join_ref | ref | topic | event | payload` (see docs/protocol.md). */
function encodeClientPush(fields: readonly string[], payload: Uint8Array): Uint8Array {
  const parts = fields.map((f) => utf8.encode(f))
  const out = new Uint8Array(5 + parts.reduce((n, p) => n + p.length, 0) + payload.length)
  out[0] = 0
  parts.forEach((p, i) => (out[1 + i] = p.length))
  let at = 5
  for (const p of [...parts, payload]) {
    out.set(p, at)
    at += p.length
  }
  return out
}

/** One fuzz input and the answer it is owed. */
export type FuzzInput =
  | { readonly kind: 'reply'; readonly ref: string; readonly frame: string | Uint8Array }
  | { readonly kind: 'fatal'; readonly frame: string | Uint8Array; readonly text?: boolean }

/** mulberry32: small, fast, seedable; good enough to pick fuzz cases reproducibly. */
export function prng(seed: number): () => number {
  let a = seed >>> 0
  return () => {
    a = (a + 0x6d2b79f5) >>> 0
    let t = a
    t = Math.imul(t ^ (t >>> 15), t | 1)
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61)
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296
  }
}

const TOPICS = [
  'room:fuzz',
  'room:good',
  'room:meta',
  'nope',
  '',
  '__proto__',
  'constructor',
  'room:hasOwnProperty',
  'phoenix',
  'x'.repeat(3000),
]
const EVENTS = [
  'ping',
  'update',
  'new_msg',
  'phx_join',
  'phx_leave',
  'heartbeat',
  'phx_reply',
  'phx_close',
  '__proto__',
  '',
  'e'.repeat(500),
]
const HUGE = [
  '1e308',
  '-1e308',
  '1e999',
  '18446744073709551616',
  '9'.repeat(400),
  '-0',
  '0.1e-400',
  '123456789012345678901234567890',
]

export class FuzzGen {
  readonly #r: () => number
  #ref = 0

  constructor(seed: number) {
    this.#r = prng(seed)
  }

  int(n: number): number {
    return Math.floor(this.#r() * n)
  }

  pick<T>(xs: readonly T[]): T {
    return xs[this.int(xs.length)] as T
  }

  ref(): string {
    return `f${++this.#ref}`
  }

  /** A JSON value of random shape, mostly small. */
  value(depth = 0): unknown {
    switch (this.int(depth > 3 ? 6 : 9)) {
      case 0:
        return null
      case 1:
        return this.int(2) === 0
      case 2:
        return this.int(2) === 0 ? this.int(1e6) - 5e5 : Number(this.pick(HUGE))
      case 3:
        return this.pick([...TOPICS, ...EVENTS, '\u0000', '\ud800', 'é€😀'])
      case 4:
        return this.int(1000)
      case 5:
        return 'x'.repeat(this.int(64))
      case 6:
        return Array.from({ length: this.int(5) }, () => this.value(depth + 1))
      default:
        return Object.fromEntries(
          Array.from({ length: this.int(5) }, () => [
            this.pick(['a', '__proto__', 'constructor', 'hasOwnProperty', 'phx_ref', 'meta']),
            this.value(depth + 1),
          ]),
        )
    }
  }

  /** A decodable or undecodable text frame that still has a string ref at [1] and topic at [2]. */
  replyText(): FuzzInput {
    const ref = this.ref()
    const topic = this.pick(TOPICS)
    const arity = this.pick([2, 3, 4, 5, 5, 5, 5, 6, 9])
    const slots = Array.from({ length: arity }, () => this.value())
    slots[1] = ref
    // A string join_ref other than the channel's is dropped without a reply (as Phoenix
    // does), so answerable frames carry none, or a non-string one (a decode error).
    if (typeof slots[0] === 'string') slots[0] = null
    if (arity > 2) slots[2] = topic
    else slots.push(topic)
    if (slots.length >= 4 && this.int(2) === 0) slots[3] = this.pick(EVENTS)
    if (slots.length >= 5 && this.int(3) === 0) slots[4] = this.payload()
    return { kind: 'reply', ref, frame: this.raw(JSON.stringify(slots)) }
  }

  /** Payloads aimed at handlers: huge numbers, deep nesting, oversized metas. */
  payload(): unknown {
    switch (this.int(4)) {
      case 0:
        return { meta: { s: 'm'.repeat(4000 + this.int(4000)) } }
      case 1: {
        const depth = 200 + this.int(800)
        return { n: 1, deep: JSON.parse('['.repeat(depth) + ']'.repeat(depth)) as unknown }
      }
      case 2:
        return {
          meta: JSON.parse('{"__proto__":{"polluted":1},"constructor":{"prototype":1}}') as unknown,
        }
      default:
        return { meta: this.value() }
    }
  }

  /** Replaces JSON number tokens with huge literals now and then (JSON.stringify cannot). */
  raw(json: string): string {
    if (this.int(4) !== 0) return json
    return json.replace(/(?<=[[,:])\d+(?=[\],}])/, this.pick(HUGE))
  }

  /** Join/leave floods on many topics, valid frames the server must answer. */
  flood(): FuzzInput {
    const ref = this.ref()
    const topic = `room:flood-${this.int(300)}`
    const event = this.int(2) === 0 ? 'phx_join' : 'phx_leave'
    const payload =
      event === 'phx_join'
        ? { meta: this.int(8) === 0 ? { s: 'x'.repeat(5000) } : { v: this.int(9) } }
        : {}
    return {
      kind: 'reply',
      ref,
      frame: JSON.stringify([event === 'phx_join' ? ref : null, ref, topic, event, payload]),
    }
  }

  /** A well-formed binary push the server must answer. */
  binaryPush(): FuzzInput {
    const ref = this.ref()
    const bytes = new Uint8Array(this.int(64)).map(() => this.int(256))
    const fields = ['', ref, this.pick(TOPICS.slice(0, 9)), this.pick(EVENTS.slice(0, 10))]
    return { kind: 'reply', ref, frame: encodeClientPush(fields, bytes) }
  }

  /** Input with no recoverable ref: garbage, truncated binary, invalid UTF-8, runaway nesting. */
  fatal(): FuzzInput {
    switch (this.int(7)) {
      case 0:
        return {
          kind: 'fatal',
          frame: this.pick([
            '',
            '[',
            '{',
            'null',
            '42',
            '"x"',
            '[1,2',
            '{"ref":1}',
            '[null,null]',
            'undefined',
            '\u0000',
          ]),
        }
      case 1:
        return {
          kind: 'fatal',
          frame: JSON.stringify([null, this.int(9), 'room:fuzz', 'ping', {}]),
        }
      case 2:
        return { kind: 'fatal', frame: this.bytes(1 + this.int(12)) }
      case 3:
        return { kind: 'fatal', frame: this.truncatedPush() }
      case 4:
        return { kind: 'fatal', frame: this.invalidUtf8(), text: true }
      case 5:
        return { kind: 'fatal', frame: '['.repeat(20_000 + this.int(100_000)) }
      default:
        return { kind: 'fatal', frame: this.bytes(this.int(300)) }
    }
  }

  bytes(n: number): Uint8Array {
    return new Uint8Array(n).map(() => this.int(256))
  }

  truncatedPush(): Uint8Array {
    const full = encodeClientPush(['1', '2', 'room:fuzz', 'ping'], new Uint8Array(4))
    return full.subarray(0, 1 + this.int(Math.min(full.length - 5, 20)))
  }

  invalidUtf8(): Uint8Array {
    const text = new TextEncoder().encode(`["1","${this.ref()}","room:fuzz","ping",{}]`)
    const at = 1 + this.int(text.length - 2)
    text[at] = this.pick([0xc0, 0xff, 0xed, 0x80, 0xf8])
    return text
  }

  /** One input of a batch: mostly answerable frames of every shape. */
  next(): FuzzInput {
    const roll = this.int(100)
    if (roll < 55) return this.replyText()
    if (roll < 80) return this.flood()
    return this.binaryPush()
  }
}
