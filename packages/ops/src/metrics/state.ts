// Gauges computed when scraped from a tracker: presences per node, the busiest topics,
// and the liveness of every peer replica. Reading at scrape time keeps them exact (no
// drift from missed events) and costs O(presences) per scrape, not per change.
import { Gauge, type Registry } from 'prom-client'
import type { Tracker } from '@plume/tracker'

/** The busiest `n` topics by presence count, largest first (ties by name). */
export function topTopics(counts: ReadonlyMap<string, number>, n: number): Array<[string, number]> {
  return [...counts].sort(([a, x], [b, y]) => y - x || (a < b ? -1 : a > b ? 1 : 0)).slice(0, n)
}

/** Each peer's status across the tracker's shards: up only when every shard sees it up. */
export function peerStatuses(tracker: Tracker): Map<string, 'up' | 'down'> {
  const out = new Map<string, 'up' | 'down'>()
  for (let shard = 0; shard < tracker.poolSize; shard++) {
    for (const info of tracker.replicas(shard)) {
      const status = info.status === 'up' && out.get(info.name) !== 'down' ? 'up' : 'down'
      out.set(info.name, status)
    }
  }
  return out
}

/** Registers the tracker-fed gauges in `registry`. */
export function registerTrackerGauges(
  registry: Registry,
  prefix: string,
  tracker: Tracker,
  topN: number,
): void {
  const registers = [registry]
  new Gauge({
    name: prefix + 'presences',
    help: 'Visible presences, by the node that tracked them',
    labelNames: ['node'],
    registers,
    collect() {
      this.reset()
      for (const [node, count] of tracker.stats().nodes) this.set({ node }, count)
    },
  })
  new Gauge({
    name: prefix + 'topic_presences',
    help: `Presences of the ${topN} busiest topics`,
    labelNames: ['topic'],
    registers,
    collect() {
      this.reset()
      for (const [topic, count] of topTopics(tracker.stats().topics, topN))
        this.set({ topic }, count)
    },
  })
  new Gauge({
    name: prefix + 'replica_up',
    help: '1 while a peer node is up in the tracker, 0 while down (forgotten at permdown)',
    labelNames: ['peer'],
    registers,
    collect() {
      this.reset()
      for (const [peer, status] of peerStatuses(tracker))
        this.set({ peer }, status === 'up' ? 1 : 0)
    },
  })
}
