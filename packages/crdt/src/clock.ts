// Version-vector algebra. The definitions follow upstream exactly, including
// the asymmetric `dominatesOrEqual` (it walks the keys of `a` only) and the size rule of
// `dominates`, because delta-generation selection and transfer sampling depend on them.
import type { Context, ReadonlyClouds, ReadonlyContext, ReplicaRef } from './types.js'

/** One member of a clockset: the replica that sent the clock, and the clock. */
export type ClockEntry = readonly [replica: ReplicaRef, clock: ReadonlyContext]

/**
 * `a` dominates `b`: a has at least as many entries as b and `a[r] >= b[r]` for every r of b
 * (missing entries of a count as 0). Reflexive.
 */
export function dominates(a: ReadonlyContext, b: ReadonlyContext): boolean {
  if (a.size < b.size) return false
  for (const [r, c] of b) if ((a.get(r) ?? 0) < c) return false
  return true
}

/**
 * Upstream `dominates_or_equal`: both empty → true; a empty → false; otherwise
 * `a[r] >= b[r]` (missing entries of b count as 0) for every r of a.
 */
export function dominatesOrEqual(a: ReadonlyContext, b: ReadonlyContext): boolean {
  if (a.size === 0) return b.size === 0
  for (const [r, c] of a) if (c < (b.get(r) ?? 0)) return false
  return true
}

function combine(
  a: ReadonlyContext,
  b: ReadonlyContext,
  pick: (x: number, y: number) => number,
): Context {
  const out: Context = new Map(a)
  for (const [r, c] of b) {
    const mine = out.get(r)
    out.set(r, mine === undefined ? c : pick(mine, c))
  }
  return out
}

/** Element-wise max over the union of keys (a missing key passes the other side through). */
export function upperbound(a: ReadonlyContext, b: ReadonlyContext): Context {
  return combine(a, b, Math.max)
}

/** Element-wise min over the union of keys (a missing key passes the other side through). */
export function lowerbound(a: ReadonlyContext, b: ReadonlyContext): Context {
  return combine(a, b, Math.min)
}

/** The entries of `clock` whose replica is in `keep`. */
export function filterReplicas(clock: ReadonlyContext, keep: Iterable<ReplicaRef>): Context {
  const out: Context = new Map()
  for (const r of keep) {
    const c = clock.get(r)
    if (c !== undefined) out.set(r, c)
  }
  return out
}

/** The replicas named by a clock, in insertion order. */
export function clockReplicas(clock: ReadonlyContext): ReplicaRef[] {
  return [...clock.keys()]
}

/** True when the two clocks have the same entries. */
export function clocksEqual(a: ReadonlyContext, b: ReadonlyContext): boolean {
  if (a.size !== b.size) return false
  for (const [r, c] of a) if (b.get(r) !== c) return false
  return true
}

/**
 * Adds a clock to a set of maximal clocks: empty clocks are ignored; a clock
 * dominating the set's upper bound replaces the set; one dominated by it changes nothing;
 * otherwise it evicts the members it dominates and joins unless a member dominates it.
 */
export function appendClock(set: readonly ClockEntry[], entry: ClockEntry): ClockEntry[] {
  const [, clock] = entry
  if (clock.size === 0) return [...set]
  const ub = set.reduce<Context>((acc, [, c]) => upperbound(acc, c), new Map())
  if (dominates(clock, ub)) return [entry]
  if (dominates(ub, clock)) return [...set]
  const kept = set.filter(([, c]) => !dominates(clock, c))
  return kept.some(([, c]) => dominates(c, clock)) ? kept : [...kept, entry]
}

/** The replicas of a clockset, in order. */
export function clocksetReplicas(set: readonly ClockEntry[]): ReplicaRef[] {
  return set.map(([r]) => r)
}

/** `seen(ctx, clouds, (r, c))`: covered by the context or present in a cloud. */
export function seen(
  ctx: ReadonlyContext,
  clouds: ReadonlyClouds,
  r: ReplicaRef,
  c: number,
): boolean {
  const max = ctx.get(r)
  if (max !== undefined && max >= c) return true
  return clouds.get(r)?.has(c) ?? false
}
