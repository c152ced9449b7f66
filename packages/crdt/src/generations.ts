// Delta generations (spec §4.9): a few accumulated deltas of growing windows, used to answer
// a transfer request with a delta instead of the full state. Functions return new arrays;
// no generation ever aliases a live delta.
import { dominates, dominatesOrEqual } from './clock.js'
import {
  copyDelta,
  deltaSize,
  mergeDeltas,
  rangeNonEmpty,
  restrictDelta,
  withoutReplica,
} from './delta.js'
import type { TrackerState } from './state.js'
import type { Delta, Payload, ReadonlyContext, ReplicaRef } from './types.js'

/**
 * Folds `delta` into every generation. Empty generations are first seeded with `seed` (the
 * shard's current delta). A slot takes the merge when it fits its cap; when it does not, it
 * restarts from the previous slot's merge (a smaller window); a non-contiguous delta leaves
 * the slot unchanged.
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
 * remote already is, and holds something the remote lacks; else the full extract.
 */
export function extractForRemote(
  state: TrackerState,
  gens: readonly Delta[],
  remoteContext: ReadonlyContext,
): Payload {
  const keep = new Set(remoteContext.keys())
  for (const gen of gens) {
    const d = restrictDelta(gen, keep)
    if (!rangeNonEmpty(d)) continue
    if (dominatesOrEqual(remoteContext, d.start) && !dominates(remoteContext, d.end)) return d
  }
  return state.extract(remoteContext)
}
