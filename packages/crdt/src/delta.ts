// Delta algebra ("delta ⊕ delta" in docs/tracker.md): merging two deltas when their ranges are
// contiguous, sizing them for the generation caps, and restricting them to the replicas a
// remote knows. Every function returns fresh maps, so no delta ever aliases another, except
// `mergeDeltaInto`, which grows a delta its caller owns in O(size of the other one).
import { dominatesOrEqual, filterReplicas, lowerbound, upperbound } from './clock.js'
import { tagKey } from './replica-ref.js'
import type {
  Clouds,
  Context,
  Delta,
  Entry,
  ReadonlyClouds,
  ReadonlyContext,
  ReplicaRef,
} from './types.js'

/** A delta whose maps its single owner may change (the state's live delta, a generation). */
export interface MutableDelta {
  readonly mode: 'delta'
  readonly values: Map<string, Entry>
  readonly clouds: Clouds
  start: Context
  end: Context
}

/** An empty delta whose range is `[clock, clock]`. */
export function emptyDelta(clock: ReadonlyContext): Delta {
  return {
    mode: 'delta',
    values: new Map(),
    clouds: new Map(),
    start: new Map(clock),
    end: new Map(clock),
  }
}

/** Deep copy of the maps of a delta (entries are immutable and shared). */
export function copyDelta(d: Delta): MutableDelta {
  return {
    mode: 'delta',
    values: new Map(d.values),
    clouds: copyClouds(d.clouds),
    start: new Map(d.start),
    end: new Map(d.end),
  }
}

/** Fresh copy of clouds. */
export function copyClouds(clouds: ReadonlyClouds): Clouds {
  const out: Clouds = new Map()
  for (const [r, dots] of clouds) out.set(r, new Set(dots))
  return out
}

function inClouds(clouds: ReadonlyClouds, e: Entry): boolean {
  return clouds.get(e.replica)?.has(e.clock) ?? false
}

/** True when two delta ranges overlap or touch (`b.end ≥ a.start` and `a.end ≥ b.start`). */
export function contiguous(a: Delta, b: Delta): boolean {
  return dominatesOrEqual(b.end, a.start) && dominatesOrEqual(a.end, b.start)
}

/**
 * `a ⊕ b`, or `undefined` when the ranges are not contiguous. Values of one side that the
 * other side has seen but no longer holds were removed there, so they are dropped.
 */
export function mergeDeltas(a: Delta, b: Delta): Delta | undefined {
  if (!contiguous(a, b)) return undefined
  const values = new Map<string, Entry>()
  for (const [k, e] of a.values) if (b.values.has(k) || !inClouds(b.clouds, e)) values.set(k, e)
  for (const [k, e] of b.values) if (!a.values.has(k) && !inClouds(a.clouds, e)) values.set(k, e)
  const clouds = copyClouds(a.clouds)
  for (const [r, dots] of b.clouds) {
    const into = clouds.get(r)
    if (into) for (const c of dots) into.add(c)
    else clouds.set(r, new Set(dots))
  }
  return {
    mode: 'delta',
    values,
    clouds,
    start: lowerbound(a.start, b.start),
    end: upperbound(a.end, b.end),
  }
}

/**
 * Keys of the values a delta removes: its cloud dots that it does not hold as values. A
 * value of another delta under one of these keys was seen by `d` and dropped, so a merge
 * with `d` drops it too.
 */
export function removedKeys(d: Delta): string[] {
  const out: string[] = []
  for (const [r, dots] of d.clouds) {
    for (const c of dots) {
      const k = tagKey(r, c)
      if (!d.values.has(k)) out.push(k)
    }
  }
  return out
}

/**
 * `into ⊕ d` computed in place, for a contiguous `d` (the caller checks {@link contiguous}):
 * the same result as {@link mergeDeltas}, but it costs O(size of `d`) + O(replicas) instead
 * of O(size of both). Relies on values being keyed by {@link tagKey} of their dot, so the
 * values `d` removed are found by key; `removed` is {@link removedKeys} of `d`, computed once
 * when `d` is merged into several deltas. Nothing of `d` is aliased.
 */
export function mergeDeltaInto(
  into: MutableDelta,
  d: Delta,
  removed: readonly string[] = removedKeys(d),
): void {
  // Decided against `into` as it was before this merge, like mergeDeltas does.
  const added: [string, Entry][] = []
  for (const [k, e] of d.values)
    if (!into.values.has(k) && !inClouds(into.clouds, e)) added.push([k, e])
  for (const k of removed) into.values.delete(k)
  for (const [k, e] of added) into.values.set(k, e)
  for (const [r, dots] of d.clouds) {
    const mine = into.clouds.get(r)
    if (mine) for (const c of dots) mine.add(c)
    else into.clouds.set(r, new Set(dots))
  }
  into.start = lowerbound(into.start, d.start)
  into.end = upperbound(into.end, d.end)
}

/** Size for the generation caps: values plus cloud dots. */
export function deltaSize(d: Delta): number {
  let n = d.values.size
  for (const dots of d.clouds.values()) n += dots.size
  return n
}

/** True when no cloud holds a dot (nothing happened in the interval). */
export function isDeltaEmpty(d: Delta): boolean {
  for (const dots of d.clouds.values()) if (dots.size > 0) return false
  return true
}

/** True when `start` and `end` differ on some replica (missing entries count as 0). */
export function rangeNonEmpty(d: Pick<Delta, 'start' | 'end'>): boolean {
  for (const [r, c] of d.end) if ((d.start.get(r) ?? 0) !== c) return true
  for (const [r, c] of d.start) if ((d.end.get(r) ?? 0) !== c) return true
  return false
}

/** The part of a delta about the given replicas only (values, clouds and range). */
export function restrictDelta(d: Delta, keep: ReadonlySet<ReplicaRef>): Delta {
  const values = new Map<string, Entry>()
  for (const [k, e] of d.values) if (keep.has(e.replica)) values.set(k, e)
  const clouds: Clouds = new Map()
  for (const [r, dots] of d.clouds) if (keep.has(r)) clouds.set(r, new Set(dots))
  return {
    mode: 'delta',
    values,
    clouds,
    start: filterReplicas(d.start, keep),
    end: filterReplicas(d.end, keep),
  }
}

/** The delta without anything about `ref` (used on permdown). */
export function withoutReplica(d: Delta, ref: ReplicaRef): MutableDelta {
  const values = new Map<string, Entry>()
  for (const [k, e] of d.values) if (e.replica !== ref) values.set(k, e)
  const clouds = copyClouds(d.clouds)
  clouds.delete(ref)
  const start = new Map(d.start)
  const end = new Map(d.end)
  start.delete(ref)
  end.delete(ref)
  return { mode: 'delta', values, clouds, start, end }
}
