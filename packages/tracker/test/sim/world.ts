// The simulated cluster: live tracker nodes over a SimNetwork, the model of what each live
// node has tracked, and per-node sums of the diffs it reported. Operations mutate both the
// trackers and the model; `check` compares them after quiescence.
import assert from 'node:assert/strict'
import { PubSub, silentLogger } from '@plume/pubsub'
import { ManualScheduler, Tracker, TrackerError } from '@plume/tracker'
import type { Logger } from '@plume/pubsub'
import type { Meta, TrackerOptions } from '@plume/tracker'
import { SimNetwork } from './network.js'
import type { Prng } from './prng.js'

export const TOPICS = ['room:a', 'room:b', 'room:c', 'lobby']

interface Presence {
  readonly owner: string
  readonly topic: string
  readonly key: string
  meta: Meta
}

interface SimNode {
  readonly name: string
  readonly incarnation: number
  readonly pubsub: PubSub
  readonly tracker: Tracker
  /** topic → phx_ref → [key, meta]: the running sum of this incarnation's diffs. */
  readonly seen: Map<string, Map<string, [string, Meta]>>
  readonly errors: string[]
}

const refOf = (m: Meta): string => String(m['phx_ref'])
const id = (p: { owner: string; topic: string; key: string }): string =>
  `${p.owner}|${p.topic}|${p.key}`

export class World {
  readonly net: SimNetwork
  readonly scheduler = new ManualScheduler()
  readonly live = new Map<string, SimNode>()
  readonly dead = new Set<string>()
  readonly model = new Map<string, Map<string, Presence>>()
  /** Warnings and errors logged by any tracker: a healthy run logs none. */
  readonly logged: string[] = []
  readonly #rand: Prng
  readonly #options: Partial<TrackerOptions>
  #incarnations = 0
  #counter = 0

  constructor(rand: Prng, options: Partial<TrackerOptions>) {
    this.#rand = rand
    this.net = new SimNetwork(rand)
    this.#options = options
  }

  async start(name: string): Promise<void> {
    const pubsub = new PubSub({ adapter: this.net.adapter(name), logger: silentLogger })
    const random = (): number => this.#rand.next()
    const tracker = new Tracker({
      ...this.#options,
      pubsub,
      scheduler: this.scheduler,
      logger: this.#trackerLogger(name),
      random,
    })
    const node: SimNode = {
      name,
      incarnation: ++this.#incarnations,
      pubsub,
      tracker,
      seen: new Map(),
      errors: [],
    }
    tracker.onDiff((topic, diff) => this.#sum(node, topic, diff.joins, diff.leaves))
    await tracker.start()
    this.live.set(name, node)
    this.dead.delete(name)
    this.model.set(name, new Map())
  }

  // Warnings and errors of a tracker fail the schedule (see check); debug/info are ignored.
  #trackerLogger(name: string): Logger {
    const record = (level: string, msg: string, data?: Record<string, unknown>): void => {
      const error = data?.['error']
      const why = error instanceof Error ? `: ${error.stack ?? error.message}` : ''
      this.logged.push(`${name} ${level} ${msg}${why}`)
    }
    return {
      debug: () => {},
      info: () => {},
      warn: (msg, data) => record('warn', msg, data),
      error: (msg, data) => record('error', msg, data),
    }
  }

  #sum(
    node: SimNode,
    topic: string,
    joins: Array<[string, Meta]>,
    leaves: Array<[string, Meta]>,
  ): void {
    let m = node.seen.get(topic)
    if (!m) node.seen.set(topic, (m = new Map<string, [string, Meta]>()))
    for (const [key, meta] of leaves)
      if (!m.delete(refOf(meta))) node.errors.push(`leave of unseen ${topic} ${key}`)
    for (const [key, meta] of joins) {
      if (m.has(refOf(meta))) node.errors.push(`duplicate join ${topic} ${key}`)
      m.set(refOf(meta), [key, meta])
    }
  }

  /** Stops a node without telling anyone (crash), or after a graceful permdown. */
  async kill(name: string, graceful: boolean): Promise<void> {
    const node = this.live.get(name)
    if (!node) return
    if (graceful) await node.tracker.gracefulPermdown()
    else await node.tracker.stop()
    await node.pubsub.close()
    this.live.delete(name)
    this.dead.add(name)
    this.model.delete(name)
  }

  #randomNode(): SimNode | undefined {
    return this.#rand.pick([...this.live.values()])
  }

  #randomPresence(node: SimNode): Presence | undefined {
    return this.#rand.pick([...(this.model.get(node.name)?.values() ?? [])])
  }

  track(): void {
    const node = this.#randomNode()
    if (!node) return
    const p = {
      owner: `${node.name}.${node.incarnation}:c${this.#rand.int(3)}`,
      topic: this.#rand.pick(TOPICS) ?? '',
      key: `u${this.#rand.int(4)}`,
    }
    const model = this.model.get(node.name) ?? new Map<string, Presence>()
    const meta: Meta = { v: ++this.#counter }
    if (model.has(id(p))) {
      assert.throws(
        () => node.tracker.track(p.owner, p.topic, p.key, meta),
        (e) => e instanceof TrackerError && e.code === 'ALREADY_TRACKED',
      )
      return
    }
    const ref = node.tracker.track(p.owner, p.topic, p.key, meta)
    model.set(id(p), { ...p, meta: { ...meta, phx_ref: ref } })
  }

  untrack(): void {
    const node = this.#randomNode()
    const p = node && this.#randomPresence(node)
    if (!node || !p) return
    node.tracker.untrack(p.owner, p.topic, p.key)
    this.model.get(node.name)?.delete(id(p))
  }

  untrackAll(): void {
    const node = this.#randomNode()
    const p = node && this.#randomPresence(node)
    if (!node || !p) return
    node.tracker.untrackAll(p.owner)
    const model = this.model.get(node.name)
    for (const [k, q] of model ?? []) if (q.owner === p.owner) model?.delete(k)
  }

  update(): void {
    const node = this.#randomNode()
    const p = node && this.#randomPresence(node)
    if (!node || !p) return
    const v = ++this.#counter
    const old = p.meta
    const ref = this.#rand.chance(0.5)
      ? node.tracker.update(p.owner, p.topic, p.key, { v })
      : node.tracker.update(p.owner, p.topic, p.key, (m) => ({ ...m, v }))
    p.meta = { ...old, v, phx_ref: ref, phx_ref_prev: old['phx_ref'] }
  }

  /**
   * Asserts every live node lists exactly the model, and its diffs sum to what it lists.
   * `visibleOnly` skips what needs permdownPeriod to settle (hidden entries of dead
   * replicas and the replica tables), so it may run once the dead are merely down.
   */
  check(visibleOnly = false): void {
    const all = [...this.model.values()].flatMap((m) => [...m.values()])
    assert.deepEqual(this.logged, [], 'trackers logged warnings or errors')
    const canon = (xs: Array<[string, Meta]>): string[] =>
      xs.map(([k, m]) => `${k}=${JSON.stringify(m, Object.keys(m).sort())}`).sort()
    for (const node of this.live.values()) {
      assert.deepEqual(node.errors, [], `${node.name}: diff stream errors`)
      for (const topic of TOPICS) {
        const expected = canon(all.filter((p) => p.topic === topic).map((p) => [p.key, p.meta]))
        const where = `${node.name} ${topic}`
        assert.deepEqual(
          canon(node.tracker.list(topic)),
          expected,
          `${where}: list differs from the model`,
        )
        if (!visibleOnly)
          assert.deepEqual(
            canon(node.tracker.dirtyList(topic)),
            expected,
            `${where}: hidden ghosts remain`,
          )
        assert.equal(node.tracker.count(topic), expected.length, `${where}: count`)
        assert.deepEqual(
          canon([...(node.seen.get(topic)?.values() ?? [])]),
          expected,
          `${where}: sum of diffs differs from the list`,
        )
      }
      for (let i = 0; i < (visibleOnly ? 0 : node.tracker.poolSize); i++) {
        const peers = node.tracker
          .replicas(i)
          .map((r) => `${r.name}:${r.status}`)
          .sort()
        const want = [...this.live.keys()]
          .filter((n) => n !== node.name)
          .map((n) => `${n}:up`)
          .sort()
        assert.deepEqual(peers, want, `${node.name} shard ${i}: replica table`)
      }
    }
  }

  async teardown(): Promise<void> {
    for (const name of [...this.live.keys()]) await this.kill(name, false)
  }
}
