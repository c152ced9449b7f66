// An in-process cluster for tests: several PubSubs in one process joined by a fake broker.
// Messages are really encoded (encodeEnvelope) and decoded on receipt, delivered
// asynchronously in FIFO order per sender->receiver pair, and can be partitioned or faulted.

import { Buffer } from 'node:buffer'
import { decodeEnvelope, encodeEnvelope, type Envelope } from './envelope.js'
import { PubSubError } from './errors.js'
import { consoleLogger, type Logger } from './logger.js'
import type { Adapter, RemoteMessage } from './types.js'

/** One message in flight between two nodes, as seen by the fault hooks. */
export interface BusDelivery {
  readonly from: string
  readonly to: string
  /** The encoded envelope text. */
  readonly text: string
}

/** Returns true to apply the fault (drop, or duplicate) to this delivery. */
export type BusFaultHook = (delivery: BusDelivery) => boolean

/** Options of {@link MemoryBus}. */
export interface MemoryBusOptions {
  /** Receives undecodable envelopes and throwing deliver callbacks. @default consoleLogger */
  logger?: Logger
  /** Drops matching deliveries at send time. @default undefined (drop nothing) */
  drop?: BusFaultHook
  /** Delivers matching deliveries twice, back to back. @default undefined */
  duplicate?: BusFaultHook
  /**
   * Largest envelope (UTF-8 bytes) a send may carry, as a broker's payload limit; larger
   * sends reject `BAD_MESSAGE`. @default Infinity
   */
  maxMessageBytes?: number
}

interface Pending extends BusDelivery {
  readonly target: MemoryBusAdapter
}

/** What an adapter may ask of its bus; kept off MemoryBus's public surface. */
interface BusLink {
  register(adapter: MemoryBusAdapter): void
  unregister(adapter: MemoryBusAdapter): void
  send(from: MemoryBusAdapter, mode: Envelope['mode'], node: string, msg: RemoteMessage): void
  readonly maxMessageBytes: number
}

const MAX_SETTLE_TURNS = 10_000

/**
 * In-memory broker joining several adapters in one process.
 * @example
 * const bus = new MemoryBus()
 * const a = new PubSub({ adapter: bus.adapter('a') })
 * const b = new PubSub({ adapter: bus.adapter('b') })
 * await Promise.all([a.start(), b.start()])
 * bus.partition(['a'], ['b'])   // a and b can no longer reach each other
 * bus.heal()
 */
export class MemoryBus {
  /** Fault hook: return true to drop a delivery (evaluated at send time). */
  drop: BusFaultHook | undefined
  /** Fault hook: return true to deliver a message twice. */
  duplicate: BusFaultHook | undefined
  readonly #logger: Logger
  readonly #live = new Map<string, MemoryBusAdapter>()
  readonly #groups = new Map<string, number>()
  #queue: Pending[] = []
  #scheduled = false
  readonly #link: BusLink
  readonly #maxBytes: number

  constructor(options: MemoryBusOptions = {}) {
    this.#logger = options.logger ?? consoleLogger
    this.drop = options.drop
    this.duplicate = options.duplicate
    this.#maxBytes = checkLimit(options.maxMessageBytes ?? Infinity)
    this.#link = {
      register: (adapter) => this.#register(adapter),
      unregister: (adapter) => this.#unregister(adapter),
      send: (from, mode, node, msg) => this.#send(from, mode, node, msg),
      maxMessageBytes: this.#maxBytes,
    }
  }

  /** A new adapter for node `nodeName`; starting it while that name is live rejects `DUPLICATE_NODE`. */
  adapter(nodeName: string): Adapter {
    if (typeof nodeName !== 'string' || nodeName === '') {
      throw new PubSubError('INVALID_ARGUMENT', 'nodeName must be a non-empty string')
    }
    return new MemoryBusAdapter(this.#link, nodeName)
  }

  /** Names of the started, not yet closed nodes. */
  get nodes(): readonly string[] {
    return [...this.#live.keys()]
  }

  /** Deliveries queued and not yet handed to a node. */
  get pending(): number {
    return this.#queue.length
  }

  /**
   * Splits the cluster: nodes in different groups cannot reach each other. Nodes not listed
   * form one more group together. Replaces any earlier partition; in-flight messages
   * across the new cut are lost.
   */
  partition(...groups: string[][]): void {
    const next = new Map<string, number>()
    groups.forEach((group, index) => {
      for (const node of group) {
        if (next.has(node)) {
          throw new PubSubError('INVALID_ARGUMENT', `node "${node}" is in two partition groups`)
        }
        next.set(node, index)
      }
    })
    this.#groups.clear()
    for (const [node, index] of next) this.#groups.set(node, index)
  }

  /** Cuts `node` off from every other node (the rest stay connected). */
  isolate(node: string): void {
    this.partition([node])
  }

  /** Rejoins every node. */
  heal(): void {
    this.#groups.clear()
  }

  /**
   * Resolves once no delivery is queued, including deliveries caused by handlers reacting
   * to earlier ones. Gives up (rejects) after a bounded number of turns.
   */
  async settle(): Promise<void> {
    for (let turn = 0; turn < MAX_SETTLE_TURNS; turn++) {
      if (this.#queue.length === 0 && !this.#scheduled) return
      await new Promise<void>((resolve) => setImmediate(resolve))
    }
    throw new PubSubError('NOT_SETTLED', `MemoryBus still busy after ${MAX_SETTLE_TURNS} turns`)
  }

  #reachable(a: string, b: string): boolean {
    return a === b || (this.#groups.get(a) ?? -1) === (this.#groups.get(b) ?? -1)
  }

  #register(adapter: MemoryBusAdapter): void {
    if (this.#live.has(adapter.nodeName)) {
      throw new PubSubError(
        'DUPLICATE_NODE',
        `node name "${adapter.nodeName}" is already live on this bus; node names must be unique`,
      )
    }
    this.#live.set(adapter.nodeName, adapter)
  }

  #unregister(adapter: MemoryBusAdapter): void {
    if (this.#live.get(adapter.nodeName) === adapter) this.#live.delete(adapter.nodeName)
  }

  #send(from: MemoryBusAdapter, mode: Envelope['mode'], node: string, msg: RemoteMessage): void {
    const sender = from.nodeName
    const { topic, message, dispatcher } = msg
    const text = encodeEnvelope({ v: 1, mode, node, sender, topic, dispatcher, message })
    if (this.#maxBytes !== Infinity && Buffer.byteLength(text) > this.#maxBytes) {
      const size = Buffer.byteLength(text)
      throw new PubSubError('BAD_MESSAGE', `envelope of ${size} bytes exceeds ${this.#maxBytes}`)
    }
    const targets =
      mode === 'only'
        ? [this.#live.get(node)]
        : [...this.#live.values()].filter((a) => a.nodeName !== sender)
    for (const target of targets) {
      if (target === undefined || !this.#reachable(sender, target.nodeName)) continue
      const pending: Pending = { from: sender, to: target.nodeName, text, target }
      if (this.drop?.(pending) === true) continue
      this.#queue.push(pending)
      if (this.duplicate?.(pending) === true) this.#queue.push(pending)
    }
    this.#schedule()
  }

  #schedule(): void {
    if (this.#scheduled || this.#queue.length === 0) return
    this.#scheduled = true
    setImmediate(() => this.#pump())
  }

  /** Delivers one batch (what was queued when the turn began) in FIFO order. */
  #pump(): void {
    this.#scheduled = false
    const batch = this.#queue
    this.#queue = []
    for (const pending of batch) this.#deliver(pending)
    this.#schedule()
  }

  #deliver(pending: Pending): void {
    const { target, from, to, text } = pending
    // Checked at delivery time: a close or a partition while in flight loses the message.
    if (this.#live.get(to) !== target || !this.#reachable(from, to)) return
    let env: Envelope
    try {
      env = decodeEnvelope(text)
    } catch (error) {
      this.#logger.error('memory-bus: undecodable envelope', { from, to, error })
      return
    }
    const forMe = env.mode === 'only' ? env.node === to : env.node !== to
    if (!forMe) return
    try {
      target.receive({ topic: env.topic, message: env.message, dispatcher: env.dispatcher })
    } catch (error) {
      this.#logger.error('memory-bus: deliver callback threw', { from, to, error })
    }
  }
}

/** One node's connection to a MemoryBus. */
class MemoryBusAdapter implements Adapter {
  readonly nodeName: string
  readonly #link: BusLink
  #deliver: ((msg: RemoteMessage) => void) | null = null
  #state: 'idle' | 'started' | 'closed' = 'idle'

  constructor(link: BusLink, nodeName: string) {
    this.#link = link
    this.nodeName = nodeName
  }

  get maxMessageBytes(): number {
    return this.#link.maxMessageBytes
  }

  start(deliver: (msg: RemoteMessage) => void): Promise<void> {
    return attempt(() => {
      if (this.#state === 'closed') throw new PubSubError('CLOSED', 'adapter is closed')
      if (this.#state === 'started') throw new PubSubError('ALREADY_STARTED', 'already started')
      this.#link.register(this)
      this.#deliver = deliver
      this.#state = 'started'
    })
  }

  broadcast(msg: RemoteMessage): Promise<void> {
    return attempt(() => {
      this.#assertStarted()
      this.#link.send(this, 'except', this.nodeName, msg)
    })
  }

  directBroadcast(node: string, msg: RemoteMessage): Promise<void> {
    return attempt(() => {
      this.#assertStarted()
      this.#link.send(this, 'only', node, msg)
    })
  }

  close(): Promise<void> {
    this.#state = 'closed'
    this.#deliver = null
    this.#link.unregister(this)
    return Promise.resolve()
  }

  /** Called by the bus for each delivery addressed to this node. */
  receive(msg: RemoteMessage): void {
    this.#deliver?.(msg)
  }

  #assertStarted(): void {
    if (this.#state === 'started') return
    throw this.#state === 'closed'
      ? new PubSubError('CLOSED', 'adapter is closed')
      : new PubSubError('NOT_STARTED', 'adapter is not started; call start() first')
  }
}

function checkLimit(n: number): number {
  if (typeof n !== 'number' || !(n >= 1024)) {
    throw new PubSubError('INVALID_ARGUMENT', 'maxMessageBytes must be a number >= 1024')
  }
  return n
}

/** Runs `fn` synchronously; a throw becomes the returned promise's rejection. */
// eslint-disable-next-line @typescript-eslint/require-await -- async only to turn throws into rejections
async function attempt(fn: () => void): Promise<void> {
  fn()
}
