// A PubSub adapter for the workers of one node:cluster: messages go over the worker's IPC
// channel to the primary, whose hub (hub.ts) relays them to the other workers. No broker,
// no port: the cluster is the machine. Every node is one worker process.

import { Buffer } from 'node:buffer'
import { PubSubError, decodeEnvelope, encodeEnvelope } from '@plume/pubsub'
import type { Adapter, RemoteMessage } from '@plume/pubsub'
import { processChannel, type WorkerChannel } from './channel.js'
import { resolveOptions } from './options.js'
import type { ClusterAdapterOptions, ResolvedClusterOptions } from './options.js'
import { TAG, asToWorker, type Deliver, type Welcome } from './wire.js'

type State = 'idle' | 'starting' | 'started' | 'closed'

interface Pending {
  resolve(): void
  reject(error: Error): void
}

/**
 * Carries PubSub messages between the workers of a node:cluster through the primary.
 * The primary must run `startClusterHub()`.
 * @example
 * const pubsub = new PubSub({ adapter: new ClusterAdapter() }) // node name `worker-<id>`
 * await pubsub.start()
 */
export class ClusterAdapter implements Adapter {
  /** This node's name, unique among the workers. */
  readonly nodeName: string
  /** Largest encoded message this adapter sends, in bytes. */
  readonly maxMessageBytes: number
  readonly #opts: ResolvedClusterOptions
  readonly #channel: WorkerChannel
  #state: State = 'idle'
  #deliver: ((msg: RemoteMessage) => void) | undefined
  #unsubscribe: (() => void) | undefined
  #pending: Pending | undefined

  /** Validates options. @throws PubSubError `INVALID_ARGUMENT`; Error outside a worker. */
  constructor(options: ClusterAdapterOptions = {}) {
    this.#opts = resolveOptions(options)
    this.nodeName = this.#opts.nodeName
    this.maxMessageBytes = this.#opts.maxMessageBytes
    this.#channel = this.#opts.channel ?? processChannel()
  }

  /**
   * Registers this node with the primary's hub.
   * @throws PubSubError `DUPLICATE_NODE` when another live worker uses the name,
   * `NOT_STARTED` when no hub answers within `startTimeoutMs`. A failed start can be retried.
   */
  async start(deliver: (msg: RemoteMessage) => void): Promise<void> {
    if (this.#state === 'closed') throw new PubSubError('CLOSED', 'ClusterAdapter is closed')
    if (this.#state !== 'idle') {
      throw new PubSubError('ALREADY_STARTED', 'ClusterAdapter.start() called twice')
    }
    this.#state = 'starting'
    this.#deliver = deliver
    this.#unsubscribe = this.#channel.subscribe((raw) => this.#receive(raw))
    try {
      await this.#handshake()
    } catch (error) {
      if (this.#state === 'starting') this.#reset('idle')
      throw error
    }
  }

  broadcast(msg: RemoteMessage): Promise<void> {
    return this.#publish(null, msg)
  }

  directBroadcast(node: string, msg: RemoteMessage): Promise<void> {
    return this.#publish(node, msg)
  }

  /** Unregisters from the hub; nothing is delivered once this is called. */
  async close(): Promise<void> {
    if (this.#state === 'closed') return
    const registered = this.#state !== 'idle'
    this.#reset('closed')
    if (!registered) return
    // Resolves even on a closed channel: a primary that is gone routes nothing to us anyway.
    await new Promise<void>((resolve) =>
      this.#channel.send({ plume: TAG, t: 'bye', node: this.nodeName }, () => resolve()),
    )
  }

  #handshake(): Promise<void> {
    return new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => {
        this.#pending = undefined
        const ms = this.#opts.startTimeoutMs
        const hint = 'is startClusterHub() running in the primary?'
        reject(new PubSubError('NOT_STARTED', `no cluster hub answered within ${ms} ms: ${hint}`))
      }, this.#opts.startTimeoutMs)
      const settle = (fn: () => void): void => {
        clearTimeout(timer)
        this.#pending = undefined
        fn()
      }
      this.#pending = { resolve: () => settle(resolve), reject: (e) => settle(() => reject(e)) }
      this.#channel.send({ plume: TAG, t: 'hello', node: this.nodeName }, (error) => {
        if (error) this.#pending?.reject(closedChannel(error))
      })
    })
  }

  #receive(raw: unknown): void {
    const msg = asToWorker(raw)
    if (msg === undefined || msg.t === 'ports' || msg.node !== this.nodeName) return
    if (msg.t === 'welcome') this.#welcome(msg)
    else this.#deliverNow(msg)
  }

  #welcome(msg: Welcome): void {
    if (this.#state !== 'starting' || this.#pending === undefined) return
    if (msg.error !== undefined) {
      this.#pending.reject(new PubSubError('DUPLICATE_NODE', `ClusterAdapter: ${msg.error}`))
      return
    }
    // Set here, not after the await: the IPC channel may emit the first deliveries in the
    // same tick as the welcome, before start()'s continuation runs.
    this.#state = 'started'
    this.#pending.resolve()
  }

  #deliverNow(msg: Deliver): void {
    const deliver = this.#deliver
    if (this.#state !== 'started' || deliver === undefined) return
    try {
      const { topic, message, dispatcher } = decodeEnvelope(msg.data)
      deliver({ topic, message, dispatcher })
    } catch (error) {
      this.#opts.logger.error('ClusterAdapter: message dropped', { error })
    }
  }

  async #publish(to: string | null, msg: RemoteMessage): Promise<void> {
    if (this.#state !== 'started') throw this.#notStarted()
    const data = this.#encode(to, msg)
    await new Promise<void>((resolve, reject) => {
      const frame = { plume: TAG, t: 'pub', from: this.nodeName, to, data }
      this.#channel.send(frame, (error) => (error ? reject(closedChannel(error)) : resolve()))
    })
  }

  #encode(to: string | null, msg: RemoteMessage): string {
    const data = encodeEnvelope({
      v: 1,
      mode: to === null ? 'except' : 'only',
      node: to ?? this.nodeName,
      sender: this.nodeName,
      topic: msg.topic,
      dispatcher: msg.dispatcher,
      message: msg.message,
    })
    const size = Buffer.byteLength(data, 'utf8')
    if (size > this.maxMessageBytes) {
      const limit = `the limit is ${this.maxMessageBytes} (maxMessageBytes)`
      throw new PubSubError('BAD_MESSAGE', `message encodes to ${size} bytes; ${limit}`)
    }
    return data
  }

  #notStarted(): PubSubError {
    return this.#state === 'closed'
      ? new PubSubError('CLOSED', 'ClusterAdapter is closed')
      : new PubSubError('NOT_STARTED', 'ClusterAdapter is not started; call start() first')
  }

  #reset(state: 'idle' | 'closed'): void {
    this.#state = state
    this.#deliver = undefined
    this.#unsubscribe?.()
    this.#unsubscribe = undefined
    this.#pending?.reject(new PubSubError('CLOSED', 'ClusterAdapter closed while starting'))
  }
}

function closedChannel(cause: Error): PubSubError {
  return new PubSubError('CLOSED', 'the IPC channel to the cluster primary is closed', { cause })
}
