// A simulated Plume cluster for the scale benchmark: N tracker nodes on one MemoryBus with one
// ManualScheduler, so time is virtual (convergence is measured in simulated milliseconds, free
// of this machine's speed) while every message is really encoded, carried and decoded. The
// bus's fault hook counts the bytes each node receives.
import { MemoryBus, PubSub, silentLogger } from '@plume/pubsub'
import type { BusDelivery } from '@plume/pubsub'
import { ManualScheduler, Tracker } from '@plume/tracker'
import type { TrackerOptions } from '@plume/tracker'

/** Topics the presences are spread over. */
export const TOPICS = 100
/** Virtual milliseconds per simulation step (the bus settles after each). */
export const STEP = 100

interface SimNode {
  readonly pubsub: PubSub
  readonly tracker: Tracker
}

/** Deterministic [0, 1) source, so every run sends the same messages. */
function lcg(seed: number): () => number {
  let s = seed >>> 0
  return () => {
    s = (Math.imul(s, 1_664_525) + 1_013_904_223) >>> 0
    return s / 2 ** 32
  }
}

/** N tracker nodes over a MemoryBus in virtual time. */
export class SimCluster {
  readonly scheduler = new ManualScheduler()
  readonly nodes = new Map<string, SimNode>()
  readonly #bus: MemoryBus
  readonly #options: Partial<TrackerOptions>
  #bytesIn = 0
  #seed = 1

  constructor(options: Partial<TrackerOptions>) {
    this.#options = options
    const count = (d: BusDelivery): boolean => {
      this.#bytesIn += d.text.length
      return false
    }
    this.#bus = new MemoryBus({ logger: silentLogger, drop: count })
  }

  /** Bytes received by all nodes so far (envelope text, one byte per character). */
  get bytesIn(): number {
    return this.#bytesIn
  }

  async add(name: string): Promise<Tracker> {
    const pubsub = new PubSub({ adapter: this.#bus.adapter(name), logger: silentLogger })
    const random = lcg(this.#seed++)
    const scheduler = this.scheduler
    const tracker = new Tracker({
      ...this.#options,
      pubsub,
      scheduler,
      random,
      logger: silentLogger,
    })
    await tracker.start()
    this.nodes.set(name, { pubsub, tracker })
    return tracker
  }

  /** Stops a node without telling its peers, as a kill -9 would. */
  async crash(name: string): Promise<void> {
    const node = this.nodes.get(name)
    if (node === undefined) throw new Error(`no node ${name}`)
    await node.tracker.stop()
    await node.pubsub.close()
    this.nodes.delete(name)
  }

  partition(groups: string[][]): void {
    this.#bus.partition(...groups)
  }

  heal(): void {
    this.#bus.heal()
  }

  /** Advances virtual time by `ms`, settling the bus after every step. */
  async run(ms: number): Promise<void> {
    for (let done = 0; done < ms; done += STEP) {
      this.scheduler.advance(Math.min(STEP, ms - done))
      await this.#bus.settle()
    }
  }

  /** Virtual ms until `done()` holds (checked every step), or Infinity after `limitMs`. */
  async until(done: () => boolean, limitMs: number): Promise<number> {
    const start = this.scheduler.now()
    this.scheduler.advance(0)
    await this.#bus.settle()
    while (!done()) {
      if (this.scheduler.now() - start >= limitMs) return Infinity
      await this.run(STEP)
    }
    return this.scheduler.now() - start
  }

  /** True when every node lists `expected` presences over all topics. */
  allHold(expected: number): boolean {
    for (const { tracker } of this.nodes.values()) if (total(tracker) !== expected) return false
    return true
  }

  async close(): Promise<void> {
    for (const name of [...this.nodes.keys()]) await this.crash(name)
  }
}

/** Presences a tracker lists over all topics. */
export function total(tracker: Tracker): number {
  let n = 0
  for (let t = 0; t < TOPICS; t++) n += tracker.count(`room:${t}`)
  return n
}
