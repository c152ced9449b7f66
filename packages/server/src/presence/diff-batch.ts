// Merges a topic's tracker diffs into one, so a member gets one `presence_diff` per window
// instead of one per change. Each presence is identified by its key and `phx_ref`; only its
// net change survives: a join and a leave of the same presence inside one batch cancel out,
// whichever came first (a presence that joined and left was never seen; one that left and came
// back with the same ref, as after a replica's brief down, never changed for the member).
// Clients apply joins before leaves, so a batch that holds a new ref's join and an old ref's
// leave of the same key lands exactly where applying the original diffs one by one would.
import type { Meta, PresenceDiff } from '@plume/tracker'

interface Change {
  readonly kind: 'join' | 'leave'
  readonly key: string
  readonly meta: Meta
}

/** The pending changes of one topic, in arrival order. */
export class DiffBatch {
  readonly #changes = new Map<string, Change>()
  #diffs = 0

  /** How many tracker diffs went into the batch since the last take. */
  get diffs(): number {
    return this.#diffs
  }

  /** True when nothing would be sent (also after joins and leaves cancelled out). */
  get empty(): boolean {
    return this.#changes.size === 0
  }

  add(diff: PresenceDiff): void {
    this.#diffs++
    for (const [key, meta] of diff.joins) this.#change('join', key, meta)
    for (const [key, meta] of diff.leaves) this.#change('leave', key, meta)
  }

  /** The net diff, emptying the batch. */
  take(): PresenceDiff {
    const out: PresenceDiff = { joins: [], leaves: [] }
    for (const { kind, key, meta } of this.#changes.values()) {
      ;(kind === 'join' ? out.joins : out.leaves).push([key, meta])
    }
    this.#changes.clear()
    this.#diffs = 0
    return out
  }

  #change(kind: Change['kind'], key: string, meta: Meta): void {
    const id = presenceId(key, meta)
    const earlier = this.#changes.get(id)
    if (earlier !== undefined && earlier.kind !== kind) this.#changes.delete(id)
    else this.#changes.set(id, { kind, key, meta })
  }
}

// The key is part of the id because refs are only unique per key across nodes' histories.
function presenceId(key: string, meta: Meta): string {
  const ref = meta['phx_ref']
  return `${typeof ref === 'string' ? ref : JSON.stringify(ref)}\u0000${key}`
}
