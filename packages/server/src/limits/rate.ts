// Pure counters behind the rate limits. Time comes in as an argument (the injected
// scheduler's clock), so they are deterministic under test.

/** A token bucket: `rate` tokens per second, at most `capacity` saved up. */
export class TokenBucket {
  readonly #rate: number
  readonly #capacity: number
  #tokens: number
  #at: number

  constructor(rate: number, capacity: number, now: number) {
    this.#rate = rate
    this.#capacity = capacity
    this.#tokens = capacity
    this.#at = now
  }

  /** Takes one token; false when the bucket is empty. */
  take(now: number): boolean {
    if (this.#rate === Infinity) return true
    const elapsed = Math.max(0, now - this.#at) / 1000
    this.#tokens = Math.min(this.#capacity, this.#tokens + elapsed * this.#rate)
    this.#at = now
    if (this.#tokens < 1) return false
    this.#tokens -= 1
    return true
  }
}

/** Counts events in fixed windows of `windowMs`; `hit` says whether one more fits in `max`. */
export class WindowCounter {
  readonly #max: number
  readonly #windowMs: number
  #start = -Infinity
  #count = 0

  constructor(max: number, windowMs: number) {
    this.#max = max
    this.#windowMs = windowMs
  }

  /** Records one event; false (and not counted) once the window holds `max`. */
  hit(now: number): boolean {
    if (now - this.#start >= this.#windowMs) {
      this.#start = now
      this.#count = 0
    }
    if (this.#count >= this.#max) return false
    this.#count += 1
    return true
  }

  /** Events counted in the current window. */
  count(now: number): number {
    return now - this.#start >= this.#windowMs ? 0 : this.#count
  }
}

/** Counts open things per key (topic members, connections per address); never pollutes on `__proto__`. */
export class KeyedCounter {
  readonly #counts = new Map<string, number>()

  get(key: string): number {
    return this.#counts.get(key) ?? 0
  }

  /** Adds one; returns a release function that is safe to call more than once. */
  acquire(key: string): () => void {
    this.#counts.set(key, this.get(key) + 1)
    let released = false
    return () => {
      if (released) return
      released = true
      const n = this.get(key) - 1
      if (n <= 0) this.#counts.delete(key)
      else this.#counts.set(key, n)
    }
  }
}
