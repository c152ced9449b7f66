// Causal bookkeeping of a normal-mode state: adding a seen dot, and compaction,
// which folds cloud dots contiguous with the context into it. Clouds only ever hold dots
// above the context, so compaction walks upward from the context and costs O(advance).
import type { Clouds, Context, Payload, ReplicaRef } from './types.js'

/** Records `(r, c)` as seen: a no-op when the context covers it, else a cloud dot. */
export function addDot(ctx: Context, clouds: Clouds, r: ReplicaRef, c: number): void {
  if ((ctx.get(r) ?? 0) >= c) return
  let dots = clouds.get(r)
  if (!dots) clouds.set(r, (dots = new Set()))
  dots.add(c)
}

/** Adds a dot to a delta cloud (no context there: every event dot is kept). */
export function addDeltaDot(clouds: Clouds, r: ReplicaRef, c: number): void {
  let dots = clouds.get(r)
  if (!dots) clouds.set(r, (dots = new Set()))
  dots.add(c)
}

/**
 * Compacts the cloud of one replica of the context. `prune` also drops dots the context
 * already covers, needed after the context jumped (a full-state merge).
 */
export function compactReplica(ctx: Context, clouds: Clouds, r: ReplicaRef, prune: boolean): void {
  const dots = clouds.get(r)
  if (!dots) return
  let n = ctx.get(r)
  if (n === undefined) {
    // Clouds of unknown replicas are never kept: they would make the replica "known".
    clouds.delete(r)
    return
  }
  if (prune) for (const c of dots) if (c <= n) dots.delete(c)
  while (dots.delete(n + 1)) n++
  ctx.set(r, n)
  if (dots.size === 0) clouds.delete(r)
}

/**
 * After a merge: unions the remote clouds (and, for a full state, raises the context) for
 * replicas we already know, then compacts the replicas in `touched` (which it extends).
 */
export function absorb(
  ctx: Context,
  clouds: Clouds,
  self: ReplicaRef,
  remote: Payload,
  touched: Set<ReplicaRef>,
): void {
  for (const [r, dots] of remote.clouds) {
    if (r === self || !ctx.has(r)) continue
    for (const c of dots) addDot(ctx, clouds, r, c)
    touched.add(r)
  }
  const jumped = new Set<ReplicaRef>()
  if (remote.mode === 'normal') {
    for (const [r, c] of remote.context) {
      const mine = ctx.get(r)
      if (r === self || mine === undefined || c <= mine) continue
      ctx.set(r, c)
      jumped.add(r)
      touched.add(r)
    }
  }
  for (const r of touched) compactReplica(ctx, clouds, r, jumped.has(r))
}
