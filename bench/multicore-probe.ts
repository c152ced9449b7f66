// The latency probes of the multicore benchmark, the same code for two nodes in one process
// (MemoryBus) and for two cluster workers (ClusterAdapter through the primary). Timestamps
// are process.hrtime.bigint(), CLOCK_MONOTONIC on Linux: one clock for every process of the
// machine, so a one-way latency can be read across processes.
import { setTimeout as delay } from 'node:timers/promises'
import type { PubSub } from '@plume/pubsub'
import { Tracker } from '@plume/tracker'

/** How often trackers gossip in the probe: presence latency is dominated by it. */
export const PROBE_BROADCAST_MS = 20
const PING = 'probe:ping'
const PRESENCE = 'probe:presence'

const now = (): bigint => process.hrtime.bigint()
const usSince = (t: string): number => Number(now() - BigInt(t)) / 1000

/** One node of a probe: its PubSub, a tracker on it, and the one-way latencies it observed. */
export class ProbeNode {
  readonly pubsub: PubSub
  readonly tracker: Tracker
  readonly hopUs: number[] = []
  readonly presenceUs: number[] = []

  constructor(pubsub: PubSub) {
    this.pubsub = pubsub
    this.tracker = new Tracker({ pubsub, name: 'probe', broadcastPeriod: PROBE_BROADCAST_MS })
    pubsub.subscribe(PING, (m) => this.hopUs.push(usSince((m as { t: string }).t)))
    this.tracker.onDiff((topic, diff) => {
      if (topic !== PRESENCE) return
      for (const [, meta] of diff.joins) this.presenceUs.push(usSince(String(meta['t'])))
    })
  }

  start(): Promise<void> {
    return this.tracker.start()
  }

  /** Sends one PubSub message to `peer` carrying the send time. */
  ping(peer: string): Promise<void> {
    return this.pubsub.directBroadcast(peer, PING, { t: String(now()) })
  }

  /** Tracks a new presence carrying the track time; the peer's tracker reports its join. */
  track(i: number): void {
    this.tracker.track(`probe-${i}`, PRESENCE, `k${i}`, { t: String(now()) })
  }

  /** Pings `peer` `count` times, then tracks `count` / 4 presences, paced so nothing queues. */
  async run(peer: string, count: number): Promise<void> {
    for (let i = 0; i < count; i++) {
      await this.ping(peer)
      await delay(2)
    }
    for (let i = 0; i < count / 4; i++) {
      this.track(i)
      await delay(PROBE_BROADCAST_MS * 1.7)
    }
    await delay(PROBE_BROADCAST_MS * 5) // the last join's gossip
  }

  async stop(): Promise<void> {
    await this.tracker.stop()
  }
}
