// Delta generations: a few accumulated deltas of growing windows, used to answer
// a transfer request with a delta instead of the full state. `DeltaGenerations` is what a
// shard keeps: it merges each pushed delta into its slots in place, so a push costs O(size of
// the pushed delta) amortized. `pushDelta`/`pruneGenerations` are the pure reference
// versions (they copy every slot: O(size of all generations) per call).
import { dominates, dominatesOrEqual, filterReplicas } from './clock.js'
import {
  contiguous,
  copyDelta,
  deltaSize,
  mergeDeltaInto,
  mergeDeltas,
  rangeNonEmpty,
  removedKeys,
  restrictDelta,
  withoutReplica,
  type MutableDelta,
} from './delta.js'
import { CrdtError } from './errors.js'
import type { TrackerState } from './state.js'
import type { Delta, Payload, ReadonlyContext, ReplicaRef } from './types.js'

/**
 * Folds `delta` into every generation. Empty generations are first seeded with `seed` (the
 * shard's current delta). A slot takes the merge when it fits its cap; when it does not, it
 * restarts from the previous slot's merge (a smaller window); a non-contiguous delta leaves
 * the slot unchanged. Pure reference version: it copies every slot, so it costs O(size of
 * all generations); a runtime uses {@link DeltaGenerations}, which gives the same results.
 */
export function pushDelta(
  gens: readonly Delta[],
  delta: Delta,
  caps: readonly number[],
  seed: Delta,
): Delta[] {
  const base = gens.length === caps.length ? gens : caps.map(() => seed)
  const out: Delta[] = []
  let previous: Delta = copyDelta(delta)
  base.forEach((gen, i) => {
    const merged = mergeDeltas(gen, delta)
    if (!merged) {
      out.push(gen)
      previous = copyDelta(delta)
      return
    }
    out.push(deltaSize(merged) <= (caps[i] ?? 0) ? merged : previous)
    previous = merged
  })
  return out
}

/** Removes everything about a permdowned replica from every generation. */
export function pruneGenerations(gens: readonly Delta[], ref: ReplicaRef): Delta[] {
  return gens.map((g) => withoutReplica(g, ref))
}

/**
 * What to answer to a transfer request from a remote with context `remoteContext`: the first
 * generation (restricted to replicas the remote knows) that is non-empty, starts where the
 * remote already is, and holds something the remote lacks; else the full extract. Only the
 * ranges are restricted while choosing, so only the chosen generation is copied.
 */
export function extractForRemote(
  state: TrackerState,
  gens: readonly Delta[],
  remoteContext: ReadonlyContext,
): Payload {
  const keep = new Set(remoteContext.keys())
  for (const gen of gens) {
    const range = {
      start: filterReplicas(gen.start, keep),
      end: filterReplicas(gen.end, keep),
    }
    if (!rangeNonEmpty(range)) continue
    if (dominatesOrEqual(remoteContext, range.start) && !dominates(remoteContext, range.end))
      return restrictDelta(gen, keep)
  }
  return state.extract(remoteContext)
}

/** The merge of the previous slot, as the next slot may restart from it. */
type Previous =
  | { readonly kind: 'input' }
  | { readonly kind: 'slot'; readonly delta: MutableDelta; readonly held: boolean }

/**
 * The delta generations of one shard, with the semantics of {@link pushDelta} but mutated in
 * place. No two slots share maps and no slot aliases a pushed delta, so a slot that takes a
 * merge is grown in place in O(size of the pushed delta). The only copies: the seed (once
 * per clear), the pushed delta when slot 0 restarts from it, and a smaller slot promoted
 * into a larger one on restart, at most `caps[i-1]` entries once every
 * `(caps[i] - caps[i-1])` entries pushed (amortized O(1) per entry for growing caps).
 * @example
 * const gens = new DeltaGenerations([100, 1000, 10_000])
 * gens.push(state.resetDelta(), state.delta)
 * gens.extractFor(state, remoteClock) // a delta if one fits, else the full extract
 */
export class DeltaGenerations {
  /** Generation caps (values plus cloud dots), smallest window first. */
  readonly caps: readonly number[]
  #slots: MutableDelta[] = []
  #copied = 0

  /**
   * @param caps one cap per generation, e.g. `[100, 1000, 10000]`.
   * @throws CrdtError INVALID_ARGUMENT unless caps is a non-empty array of positive integers.
   */
  constructor(caps: readonly number[]) {
    const given: unknown = caps
    const ok = Array.isArray(given) && given.length > 0
    if (!ok || !caps.every((c) => Number.isSafeInteger(c) && c > 0))
      throw new CrdtError('INVALID_ARGUMENT', 'caps must be a non-empty array of positive integers')
    this.caps = [...caps]
  }

  /**
   * The generations, smallest window first; empty until the first push or after a clear. A
   * live view: later pushes grow these deltas in place, so copy what must stay fixed.
   */
  get deltas(): readonly Delta[] {
    return this.#slots
  }

  /** Entries (values plus cloud dots) copied so far: what pushing costs beyond the deltas. */
  get copiedEntries(): number {
    return this.#copied
  }

  /** Folds `delta` into every slot (see {@link pushDelta}); `seed` fills empty generations. */
  push(delta: Delta, seed: Delta): void {
    if (this.#slots.length !== this.caps.length) this.#slots = this.caps.map(() => this.#copy(seed))
    const removed = removedKeys(delta)
    let previous: Previous = { kind: 'input' }
    this.#slots.forEach((slot, i) => {
      if (!contiguous(slot, delta)) {
        previous = { kind: 'input' }
        return
      }
      mergeDeltaInto(slot, delta, removed)
      if (deltaSize(slot) <= (this.caps[i] ?? 0)) {
        previous = { kind: 'slot', delta: slot, held: true }
        return
      }
      // Too large: the slot restarts from the previous merge, and its own merge (no longer
      // held by any slot) is what the next slot may restart from.
      this.#slots[i] = this.#take(previous, delta)
      previous = { kind: 'slot', delta: slot, held: false }
    })
  }

  /** Removes everything about a permdowned replica from every generation. */
  prune(ref: ReplicaRef): void {
    this.#slots = this.#slots.map((g) => withoutReplica(g, ref))
  }

  /** Forgets every generation (after a full-state transfer); the next push seeds them. */
  clear(): void {
    this.#slots = []
  }

  /** The answer to a transfer request (see {@link extractForRemote}). */
  extractFor(state: TrackerState, remoteContext: ReadonlyContext): Payload {
    return extractForRemote(state, this.#slots, remoteContext)
  }

  #take(previous: Previous, delta: Delta): MutableDelta {
    if (previous.kind === 'input') return this.#copy(delta)
    return previous.held ? this.#copy(previous.delta) : previous.delta
  }

  #copy(d: Delta): MutableDelta {
    this.#copied += deltaSize(d)
    return copyDelta(d)
  }
}
