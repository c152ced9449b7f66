// A simulated network for the tracker simulation, in the spirit of yjs's TestConnector: an
// Adapter per node and one queue of in-flight messages that the driver delivers one at a
// time, in order or at random, with loss, duplication and partitions. Delivery is
// synchronous and driven by the seeded PRNG, so a schedule is fully reproducible.
import type { Adapter, RemoteMessage } from '@plume/pubsub'
import type { Prng } from './prng.js'

interface InFlight {
  readonly from: string
  readonly to: string
  readonly text: string
  readonly topic: string
  readonly dispatcher: string
}

/** Fault settings; `reliable()` switches them all off for quiescence. */
export interface Faults {
  loss: number
  duplication: number
  reorder: boolean
}

export class SimNetwork {
  readonly #rand: Prng
  readonly #live = new Map<string, SimAdapter>()
  readonly #group = new Map<string, number>()
  #queue: InFlight[] = []
  faults: Faults = { loss: 0, duplication: 0, reorder: false }
  delivered = 0
  dropped = 0
  readonly #sentByType = new Map<string, number>()

  constructor(rand: Prng) {
    this.#rand = rand
  }

  adapter(name: string): Adapter {
    return new SimAdapter(this, name)
  }

  get pending(): number {
    return this.#queue.length
  }

  reliable(): void {
    this.faults = { loss: 0, duplication: 0, reorder: false }
  }

  partition(groups: string[][]): void {
    this.#group.clear()
    groups.forEach((g, i) => g.forEach((n) => this.#group.set(n, i)))
  }

  heal(): void {
    this.#group.clear()
  }

  get partitioned(): boolean {
    return this.#group.size > 0
  }

  /** Delivers up to `n` messages (random ones when reordering); returns how many left the queue. */
  deliver(n: number): number {
    let done = 0
    for (; done < n && this.#queue.length > 0; done++) {
      const i = this.faults.reorder ? this.#rand.int(this.#queue.length) : 0
      const [m] = this.#queue.splice(i, 1)
      if (m) this.#deliverOne(m)
    }
    return done
  }

  /** Delivers until the queue is empty (messages caused by deliveries included), bounded. */
  flush(limit = 100_000): void {
    for (let i = 0; i < limit && this.#queue.length > 0; i++) this.deliver(1)
    if (this.#queue.length > 0) throw new Error('sim network did not drain')
  }

  /** @internal */
  register(a: SimAdapter): void {
    if (this.#live.has(a.nodeName)) throw new Error(`duplicate node ${a.nodeName}`)
    this.#live.set(a.nodeName, a)
  }

  /** @internal */
  unregister(a: SimAdapter): void {
    if (this.#live.get(a.nodeName) === a) this.#live.delete(a.nodeName)
  }

  /** Messages of replication type `t` sent so far (before loss). */
  sentOf(t: string): number {
    return this.#sentByType.get(t) ?? 0
  }

  /** @internal */
  send(from: string, to: string | null, msg: RemoteMessage): void {
    const text = JSON.stringify(msg.message)
    const t = (msg.message as { t?: unknown } | null)?.t
    if (typeof t === 'string') this.#sentByType.set(t, (this.#sentByType.get(t) ?? 0) + 1)
    const targets = to === null ? [...this.#live.keys()].filter((n) => n !== from) : [to]
    for (const target of targets) {
      if (this.#rand.chance(this.faults.loss)) {
        this.dropped++
        continue
      }
      const m: InFlight = { from, to: target, text, topic: msg.topic, dispatcher: msg.dispatcher }
      this.#queue.push(m)
      if (this.#rand.chance(this.faults.duplication)) this.#queue.push(m)
    }
  }

  #reachable(a: string, b: string): boolean {
    return (this.#group.get(a) ?? -1) === (this.#group.get(b) ?? -1)
  }

  #deliverOne(m: InFlight): void {
    // Addressed by name: whoever runs under that name now gets it (like a real broker).
    const target = this.#live.get(m.to)
    if (!target || !this.#reachable(m.from, m.to)) {
      this.dropped++
      return
    }
    this.delivered++
    target.receive({
      topic: m.topic,
      dispatcher: m.dispatcher,
      message: JSON.parse(m.text) as unknown,
    })
  }
}

class SimAdapter implements Adapter {
  readonly nodeName: string
  readonly #net: SimNetwork
  #deliver: ((msg: RemoteMessage) => void) | undefined

  constructor(net: SimNetwork, nodeName: string) {
    this.#net = net
    this.nodeName = nodeName
  }

  start(deliver: (msg: RemoteMessage) => void): Promise<void> {
    this.#net.register(this)
    this.#deliver = deliver
    return Promise.resolve()
  }

  broadcast(msg: RemoteMessage): Promise<void> {
    this.#net.send(this.nodeName, null, msg)
    return Promise.resolve()
  }

  directBroadcast(node: string, msg: RemoteMessage): Promise<void> {
    if (node !== this.nodeName) this.#net.send(this.nodeName, node, msg)
    return Promise.resolve()
  }

  close(): Promise<void> {
    this.#deliver = undefined
    this.#net.unregister(this)
    return Promise.resolve()
  }

  receive(msg: RemoteMessage): void {
    this.#deliver?.(msg)
  }
}
