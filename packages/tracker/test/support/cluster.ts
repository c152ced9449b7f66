// Test harness: tracker nodes over one MemoryBus with one ManualScheduler. Time only moves
// through `advance`, which steps the virtual clock and settles the bus after each step, so
// every scenario is deterministic and uses no real timers.
import { MemoryBus, PubSub, silentLogger } from '@plume/pubsub'
import type { Logger, MemoryBusOptions } from '@plume/pubsub'
import { decodeMessage } from '@plume/crdt'
import type { ReplicationMessage } from '@plume/crdt'
import { ManualScheduler, Tracker } from '@plume/tracker'
import type { PresenceDiff, TrackerOptions } from '@plume/tracker'

export const PERIOD = 100
// The ported Phoenix scenarios count ticks: they run with replication at the tick and
// liveness on the tick, as Phoenix does. Eager replication and the heartbeat timer have
// their own tests.
export const BASE: Partial<TrackerOptions> = {
  eagerReplication: false,
  heartbeatPeriod: 0,
  broadcastPeriod: PERIOD,
  maxSilentPeriods: 0,
  downPeriod: 500,
  permdownPeriod: 1500,
  random: () => 0,
}

export interface Node {
  readonly name: string
  readonly pubsub: PubSub
  readonly tracker: Tracker
  readonly diffs: Array<[topic: string, diff: PresenceDiff]>
}

/** A recorded replication message and the node that received it. */
export interface Seen {
  readonly at: string
  readonly msg: ReplicationMessage
}

export class Cluster {
  readonly bus: MemoryBus
  readonly scheduler = new ManualScheduler()
  readonly nodes = new Map<string, Node>()
  readonly seen: Seen[] = []
  readonly #options: Partial<TrackerOptions>

  /** `base` defaults to the Phoenix-paced {@link BASE}; pass `{}` for the Tracker's own defaults. */
  constructor(
    options: Partial<TrackerOptions> = {},
    bus: MemoryBusOptions = {},
    base: Partial<TrackerOptions> = BASE,
  ) {
    this.#options = { random: () => 0, ...base, ...options }
    this.bus = new MemoryBus({ logger: silentLogger, ...bus })
  }

  /** Starts a node (PubSub + Tracker) and records its diffs and replication traffic. */
  async add(
    name: string,
    options: Partial<TrackerOptions> & { logger?: Logger } = {},
  ): Promise<Node> {
    const pubsub = new PubSub({ adapter: this.bus.adapter(name), logger: silentLogger })
    const tracker = new Tracker({
      logger: silentLogger,
      ...this.#options,
      ...options,
      pubsub,
      scheduler: this.scheduler,
    })
    const node: Node = { name, pubsub, tracker, diffs: [] }
    tracker.onDiff((topic, diff) => node.diffs.push([topic, diff]))
    await tracker.start()
    for (let i = 0; i < tracker.poolSize; i++) {
      pubsub.subscribe(`phx_presence:${this.#options.name ?? 'presence'}_shard${i}`, (raw) => {
        try {
          this.seen.push({ at: name, msg: decodeMessage(raw) })
        } catch {
          // malformed traffic is the tracker's business; the spy ignores it
        }
      })
    }
    this.nodes.set(name, node)
    return node
  }

  node(name: string): Node {
    const n = this.nodes.get(name)
    if (!n) throw new Error(`no node ${name}`)
    return n
  }

  tracker(name: string): Tracker {
    return this.node(name).tracker
  }

  /** Kills a node without telling anyone: timers stop and its PubSub disconnects. */
  async crash(name: string): Promise<void> {
    const n = this.node(name)
    await n.tracker.stop()
    await n.pubsub.close()
    this.nodes.delete(name)
    await this.bus.settle()
  }

  /** Moves virtual time forward in broadcast-period steps, settling the bus after each. */
  async advance(ms: number, step = PERIOD): Promise<void> {
    for (let done = 0; done < ms; done += step) {
      this.scheduler.advance(Math.min(step, ms - done))
      await this.bus.settle()
    }
  }

  async settle(): Promise<void> {
    await this.bus.settle()
  }

  /** Messages of kind `t` sent by `fromNode` (as received anywhere). */
  sent(t: ReplicationMessage['t'], fromNode: string): Seen[] {
    return this.seen.filter((s) => s.msg.t === t && s.msg.from.startsWith(`${fromNode}#`))
  }

  async teardown(): Promise<void> {
    for (const n of this.nodes.values()) {
      await n.tracker.stop()
      await n.pubsub.close()
    }
    this.nodes.clear()
  }
}

/** Sorted keys of a list result. */
export function keysOf(list: Array<[string, unknown]>): string[] {
  return list.map(([k]) => k).sort()
}

/** Flattens diffs of one topic into `+key` / `-key` events in order. */
export function events(diffs: Node['diffs'], topic?: string): string[] {
  return diffs
    .filter(([t]) => topic === undefined || t === topic)
    .flatMap(([, d]) => [...d.leaves.map(([k]) => `-${k}`), ...d.joins.map(([k]) => `+${k}`)])
}
