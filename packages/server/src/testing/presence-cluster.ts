// Presence on virtual time, in one process: nodes are PubSubs on one MemoryBus, each with
// a Tracker and a Presence on a shared ManualScheduler and an Endpoint as the diff sink.
// Time only moves when the test advances it, so down and permdown take no real time.

import { MemoryBus, PubSub, silentLogger } from '@plume/pubsub'
import { ManualScheduler, Tracker } from '@plume/tracker'
import type { Logger } from '../types.js'
import { PresenceNode, type NodeSettings } from './presence-node.js'
import { nextTurn } from './real-time.js'

/** Options of {@link PresenceCluster}; the periods default to the Tracker's own defaults. */
export interface PresenceClusterOptions {
  readonly scheduler?: ManualScheduler
  /** @default 1500 */
  readonly broadcastPeriod?: number
  readonly downPeriod?: number
  readonly permdownPeriod?: number
  /** For every PubSub, Tracker and Endpoint. @default silent */
  readonly logger?: Logger
}

const DEFAULT_PERIOD = 1500
/** Event-loop turns `settle` allows for the bus and the presences to go quiet. */
const MAX_SETTLE_ROUNDS = 100

/**
 * Several presence nodes on one in-memory bus and one virtual clock.
 * @example
 * const cluster = new PresenceCluster({ downPeriod: 30_000 })
 * const a = await cluster.node('a'), b = await cluster.node('b')
 * await b.track('room:lobby', 'bob')
 * await cluster.until('a sees bob', async () => 'bob' in (await a.presence.list('room:lobby')))
 */
export class PresenceCluster {
  readonly bus: MemoryBus
  readonly scheduler: ManualScheduler
  readonly #options: PresenceClusterOptions
  readonly #nodes = new Map<string, PresenceNode>()

  constructor(options: PresenceClusterOptions = {}) {
    this.#options = options
    this.scheduler = options.scheduler ?? new ManualScheduler()
    this.bus = new MemoryBus({ logger: options.logger ?? silentLogger })
  }

  /** The broadcast period (the tick): `advance` and `until` move time in steps of it. */
  get period(): number {
    return this.#options.broadcastPeriod ?? DEFAULT_PERIOD
  }

  /** The live nodes, by name. */
  get nodes(): ReadonlyMap<string, PresenceNode> {
    return this.#nodes
  }

  /** Starts a node; a name whose node crashed or stopped can start again (a restart). */
  async node(name: string): Promise<PresenceNode> {
    const logger = this.#logger
    const pubsub = this.pubsub(name)
    const settings: NodeSettings = { pubsub, tracker: this.#tracker(pubsub, logger), logger }
    const node = new PresenceNode(name, settings, this.scheduler, () => this.#nodes.delete(name))
    await node.start()
    this.#nodes.set(name, node)
    return node
  }

  /**
   * A PubSub on the cluster's bus for a node the app builds itself (its own Tracker and
   * Presence on {@link PresenceCluster.scheduler}); `advance` and `until` drive it too.
   */
  pubsub(name: string): PubSub {
    return new PubSub({ adapter: this.bus.adapter(name), logger: this.#logger })
  }

  /** Moves virtual time forward by `ms`, one period at a time, settling after each step. */
  async advance(ms: number): Promise<void> {
    for (let left = ms; left > 0; left -= this.period) {
      this.scheduler.advance(Math.min(left, this.period))
      await this.settle()
    }
  }

  /**
   * Advances period by period until `done()` holds; returns the virtual ms it took. Throws
   * after `maxMs` of virtual time, naming `label`.
   */
  async until(
    label: string,
    done: () => boolean | Promise<boolean>,
    maxMs = 600_000,
  ): Promise<number> {
    await this.settle()
    for (let waited = 0; waited <= maxMs; waited += this.period) {
      if (await done()) return waited
      await this.advance(this.period)
    }
    throw new Error(`not reached within ${maxMs} virtual ms: ${label}`)
  }

  /** Lets every in-flight bus message land and every diff reach the channels. */
  async settle(): Promise<void> {
    for (let round = 0; round < MAX_SETTLE_ROUNDS; round++) {
      await this.bus.settle()
      await Promise.all([...this.#nodes.values()].map((n) => n.presence.flushed()))
      await nextTurn()
      if (this.bus.pending === 0) return
    }
  }

  /** Splits the nodes into groups that cannot reach each other (see MemoryBus.partition). */
  partition(...groups: string[][]): void {
    this.bus.partition(...groups)
  }

  heal(): void {
    this.bus.heal()
  }

  /** Stops every node without telling peers. */
  async close(): Promise<void> {
    for (const node of [...this.#nodes.values()]) await node.crash()
  }

  [Symbol.asyncDispose](): Promise<void> {
    return this.close()
  }

  get #logger(): Logger {
    return this.#options.logger ?? silentLogger
  }

  #tracker(pubsub: PubSub, logger: Logger): Tracker {
    const o = this.#options
    return new Tracker({
      pubsub,
      scheduler: this.scheduler,
      logger,
      broadcastPeriod: this.period,
      ...(o.downPeriod !== undefined && { downPeriod: o.downPeriod }),
      ...(o.permdownPeriod !== undefined && { permdownPeriod: o.permdownPeriod }),
    })
  }
}
