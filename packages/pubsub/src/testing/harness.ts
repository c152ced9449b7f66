// Wraps the adapters under test in real PubSub instances for the conformance cases. Each
// adapter is observed (deliveries after close() are counted), errors logged by PubSub are
// captured, and flush() is the "nothing else is coming" barrier the negative checks rely on.

import { inspect } from 'node:util'
import { PubSub } from '../pubsub.js'
import type { Logger } from '../logger.js'
import type { Adapter, Message, RemoteMessage, SubscribeOptions } from '../types.js'
import { Inbox } from './inbox.js'

/** Forwards to the adapter under test and notices deliveries after close(). */
export class ObservedAdapter implements Adapter {
  lateDeliveries = 0
  #closed = false
  readonly #inner: Adapter

  constructor(inner: Adapter) {
    this.#inner = inner
  }
  get nodeName(): string {
    return this.#inner.nodeName
  }
  start(deliver: (msg: RemoteMessage) => void): Promise<void> {
    return this.#inner.start((msg) => {
      if (this.#closed) this.lateDeliveries++
      deliver(msg)
    })
  }
  broadcast(msg: RemoteMessage): Promise<void> {
    return this.#inner.broadcast(msg)
  }
  directBroadcast(node: string, msg: RemoteMessage): Promise<void> {
    return this.#inner.directBroadcast(node, msg)
  }
  async close(): Promise<void> {
    await this.#inner.close()
    this.#closed = true // the contract: nothing is delivered once close() resolved
  }
}

/** One node of the cluster under test. */
export interface HarnessNode {
  readonly name: string
  readonly pubsub: PubSub
  readonly adapter: ObservedAdapter
}

const FLUSH_TOPIC = 'conformance:flush'

export class Harness {
  readonly nodes: readonly HarnessNode[]
  readonly errors: string[] = []
  readonly timeoutMs: number
  #flushes = 0

  constructor(adapters: readonly Adapter[], timeoutMs: number) {
    this.timeoutMs = timeoutMs
    const logger = this.#capturingLogger()
    this.nodes = adapters.map((inner) => {
      const adapter = new ObservedAdapter(inner)
      return { name: inner.nodeName, adapter, pubsub: new PubSub({ adapter, logger }) }
    })
  }

  /** Subscribes a fresh inbox on `node` and returns it. */
  inbox(node: HarnessNode, topic: string, options?: SubscribeOptions): Inbox {
    const inbox = new Inbox(`${node.name} ${topic}`, this.timeoutMs)
    node.pubsub.subscribe(topic, inbox.handler, options)
    return inbox
  }

  /**
   * Every node sends a token by broadcast and by directBroadcast to every node, and waits
   * until all tokens arrived. With per-sender FIFO, anything sent earlier has been delivered.
   */
  async flush(nodes: readonly HarnessNode[] = this.nodes): Promise<void> {
    const token = `flush-${++this.#flushes}`
    const isToken = (m: Message): boolean => (m as { token?: unknown } | null)?.token === token
    const inboxes = nodes.map((node) => {
      const inbox = new Inbox(`${node.name} flush`, this.timeoutMs, isToken)
      node.pubsub.subscribe(FLUSH_TOPIC, inbox.handler, { owner: inbox })
      return inbox
    })
    for (const sender of nodes) {
      await sender.pubsub.broadcast(FLUSH_TOPIC, { token, from: sender.name })
      for (const target of nodes) {
        await sender.pubsub.directBroadcast(target.name, FLUSH_TOPIC, { token, from: sender.name })
      }
    }
    await Promise.all(inboxes.map((inbox) => inbox.waitFor(2 * nodes.length)))
    nodes.forEach((node, i) => node.pubsub.unsubscribe(FLUSH_TOPIC, inboxes[i]))
  }

  #capturingLogger(): Logger {
    const record = (msg: string, data?: Record<string, unknown>): void => {
      this.errors.push(data === undefined ? msg : `${msg} ${inspect(data, { depth: 3 })}`)
    }
    const ignore = (): void => {}
    return { debug: ignore, info: ignore, warn: ignore, error: record }
  }
}
