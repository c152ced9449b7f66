// Incarnations whose late messages must be ignored, so that they cannot replace the live
// incarnation of the same node. Each kind is remembered for permdownPeriod.
import { replicaName } from '@plume/crdt'
import type { ReplicaRef, ReplicaTable } from '@plume/crdt'

/** Memory of gracefully permdowned, replaced and silenced incarnations. */
export class StaleIncarnations {
  /** Incarnations that announced a graceful permdown: their late messages are stale. */
  readonly retired = new Map<ReplicaRef, number>()
  /**
   * Incarnations replaced by another one of the same node (a restart). Vsns are not
   * ordered, so the replacement is a guess: a late heartbeat of an older incarnation that
   * we never knew also "replaces" the live one. Hence they are stale only while the
   * incarnation that replaced them is up; a live one is back within downPeriod, or at once
   * when the replacing one leaves the table (a late goodbye of an older incarnation).
   */
  readonly replaced = new Map<ReplicaRef, number>()
  /**
   * Incarnations permdowned for silence. They may come back (a netsplit longer than
   * permdownPeriod), but not while another incarnation of the node is up.
   */
  readonly silenced = new Map<ReplicaRef, number>()

  /** A late message of a gracefully permdowned, replaced or forgotten incarnation. */
  isStale(ref: ReplicaRef, table: ReplicaTable): boolean {
    if (this.retired.has(ref)) return true
    const replaced = this.replaced.has(ref)
    if (!replaced && !this.silenced.has(ref)) return false
    const current = table.get(replicaName(ref))
    return current !== undefined && current.ref !== ref && current.status === 'up'
  }

  /** Forgets what is older than `maxAge` at `now`. */
  expire(now: number, maxAge: number): void {
    for (const stale of [this.retired, this.replaced, this.silenced])
      for (const [ref, at] of stale) if (now - at > maxAge) stale.delete(ref)
  }
}
