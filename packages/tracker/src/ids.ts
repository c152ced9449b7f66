// Identifiers minted by the tracker: the shard hash (FNV-1a 32-bit over UTF-8, identical on
// every node), replica versions (unique per shard start) and phx_refs (unique per track or
// update, opaque; clients only compare them for equality).
import { Buffer } from 'node:buffer'

const encoder = new TextEncoder()

/** FNV-1a 32-bit hash of the UTF-8 bytes of `s`. */
export function fnv1a32(s: string): number {
  let h = 0x811c9dc5
  for (const byte of encoder.encode(s)) {
    h ^= byte
    h = Math.imul(h, 0x01000193) >>> 0
  }
  return h >>> 0
}

/** Shard index of a topic: `fnv1a32(topic) mod poolSize`. */
export function shardFor(topic: string, poolSize: number): number {
  return fnv1a32(topic) % poolSize
}

let vsnSeq = 0

/**
 * A fresh replica version: wall-clock milliseconds, a process-wide counter and random
 * bits, so two starts of the same node never share a vsn. It contains no '#'.
 */
export function newVsn(random: () => number): string {
  vsnSeq = (vsnSeq + 1) % 0x100000
  const rand = Math.floor(random() * 0x100000)
  return `${Date.now().toString(36)}${vsnSeq.toString(36).padStart(4, '0')}${rand.toString(36).padStart(4, '0')}`
}

function u32(n: number): Buffer {
  const b = Buffer.alloc(4)
  b.writeUInt32BE(n >>> 0)
  return b
}

/** Mints phx_refs: a per-replica prefix (hash of the replica + random) and a counter. */
export class RefMinter {
  readonly #prefix: Buffer
  #n = 0

  constructor(replica: string, random: () => number) {
    this.#prefix = Buffer.concat([u32(fnv1a32(replica)), u32(Math.floor(random() * 0x100000000))])
  }

  next(): string {
    this.#n++
    const counter = Buffer.alloc(6)
    counter.writeUIntBE(this.#n, 0, 6)
    return Buffer.concat([this.#prefix, counter]).toString('base64url')
  }
}
