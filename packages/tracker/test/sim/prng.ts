// Seeded PRNG for the simulation (mulberry32): every random choice of a schedule comes from
// here, so a seed replays the exact same schedule.

/** A seeded random source with a few helpers. */
export class Prng {
  #t: number

  constructor(seed: number) {
    this.#t = seed >>> 0
  }

  /** Uniform in [0, 1). */
  next(): number {
    this.#t = (this.#t + 0x6d2b79f5) >>> 0
    let x = Math.imul(this.#t ^ (this.#t >>> 15), 1 | this.#t)
    x ^= x + Math.imul(x ^ (x >>> 7), 61 | x)
    return ((x ^ (x >>> 14)) >>> 0) / 4294967296
  }

  /** Integer in [0, n). */
  int(n: number): number {
    return Math.floor(this.next() * n)
  }

  /** Integer in [lo, hi]. */
  range(lo: number, hi: number): number {
    return lo + this.int(hi - lo + 1)
  }

  chance(p: number): boolean {
    return this.next() < p
  }

  pick<T>(xs: readonly T[]): T | undefined {
    return xs.length === 0 ? undefined : xs[this.int(xs.length)]
  }

  /** Picks a key by weight. */
  weighted<K extends string>(weights: Readonly<Record<K, number>>): K {
    const entries = Object.entries(weights) as Array<[K, number]>
    let r = this.next() * entries.reduce((s, [, w]) => s + w, 0)
    for (const [k, w] of entries) {
      r -= w
      if (r < 0) return k
    }
    return (entries.at(-1) as [K, number])[0]
  }
}
