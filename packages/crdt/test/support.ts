// Small factories for the CRDT tests: states named like the upstream tests (`a`, `b`…, vsn 1),
// sorted key lists, and a snapshot of everything observable in a state.
import { replicaRef, TrackerState, tagKey } from '@plume/crdt'
import type { Entry, ReplicaRef } from '@plume/crdt'

export const ref = (name: string, vsn = 1): ReplicaRef => replicaRef(name, vsn)

export function newState(name: string): TrackerState {
  return new TrackerState(ref(name))
}

/** Marks each state up at every other. */
export function connect(...states: TrackerState[]): void {
  for (const s of states) for (const o of states) if (s !== o) s.replicaUp(o.replica)
}

export function keys(entries: Iterable<Entry>): string[] {
  return [...entries].map((e) => e.key).sort()
}

export function tags(entries: Iterable<Entry>): string[] {
  return [...entries].map((e) => tagKey(e.replica, e.clock)).sort()
}

/** Everything observable, in a canonical form for deepStrictEqual. */
export function snapshot(s: TrackerState): unknown {
  return {
    context: [...s.context].sort(),
    clouds: [...s.clouds].map(([r, d]) => [r, [...d].sort((x, y) => x - y)]).sort(),
    entries: s
      .entries()
      .map((e) => [tagKey(e.replica, e.clock), e.owner, e.topic, e.key, e.meta])
      .sort(),
    replicas: [...s.replicas()].sort(),
  }
}

export const meta = (extra: Record<string, unknown> = {}): Record<string, unknown> => ({ ...extra })
