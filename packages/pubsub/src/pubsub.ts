// PubSub core: the local registry plus dispatch, and the remote half delegated to an Adapter.
// Mirrors Phoenix.PubSub (docs/writing-an-adapter.md): broadcast = adapter to the other nodes,
// then local dispatch with from = null; the adapter never sees local subscribers.

import { PubSubError } from './errors.js'
import { LocalAdapter } from './local-adapter.js'
import { consoleLogger, type Logger } from './logger.js'
import { Registry } from './registry.js'
import type {
  Adapter,
  BroadcastOptions,
  Dispatcher,
  Handler,
  Message,
  RemoteMessage,
  SubscribeOptions,
  Subscription,
} from './types.js'

/** Options of {@link PubSub}. */
export interface PubSubOptions {
  /** Carries messages to other nodes. @default a {@link LocalAdapter} (single node) */
  adapter?: Adapter
  /** Node name of the default LocalAdapter; only used without `adapter`. @default 'nonode' */
  nodeName?: string
  /** Receives handler, dispatcher and delivery failures. @default consoleLogger */
  logger?: Logger
}

type State = 'idle' | 'starting' | 'started' | 'closed'

const DEFAULT = 'default'

/** Calls every entry whose owner is not `from` (`null` skips nobody). */
const defaultDispatcher: Dispatcher = (entries, from, message, topic) => {
  for (const entry of entries) {
    if (from === null || entry.owner !== from) entry.handler(message, topic)
  }
}

/**
 * Topic-based publish/subscribe across the nodes of a cluster.
 * @example
 * const pubsub = new PubSub()
 * await pubsub.start()
 * const sub = pubsub.subscribe('room:lobby', (msg) => console.log(msg))
 * await pubsub.broadcast('room:lobby', { hello: 'world' })
 * sub.unsubscribe()
 */
export class PubSub implements AsyncDisposable {
  readonly #adapter: Adapter
  readonly #logger: Logger
  readonly #registry = new Registry()
  readonly #dispatchers = new Map<string, Dispatcher>([[DEFAULT, defaultDispatcher]])
  #state: State = 'idle'
  #starting: Promise<void> | null = null
  #closing: Promise<void> | null = null

  constructor(options: PubSubOptions = {}) {
    this.#logger = options.logger ?? consoleLogger
    const { adapter, nodeName } = options
    if (adapter !== undefined && nodeName !== undefined && nodeName !== adapter.nodeName) {
      throw new PubSubError('INVALID_ARGUMENT', 'nodeName is only used without an adapter')
    }
    this.#adapter = adapter ?? new LocalAdapter(nodeName ?? 'nonode', { logger: this.#logger })
  }

  /** The adapter's largest message in UTF-8 envelope bytes (`Infinity` when unlimited). */
  get maxMessageBytes(): number {
    return this.#adapter.maxMessageBytes ?? Infinity
  }

  /** The adapter's node identity (unique in the cluster). */
  get nodeName(): string {
    return this.#adapter.nodeName
  }

  /** Starts the adapter. Idempotent; a failed start may be retried. */
  start(): Promise<void> {
    if (this.#state === 'closed') return Promise.reject(closedError())
    this.#starting ??= this.#startAdapter()
    return this.#starting
  }

  /**
   * Registers `handler` under `topic`. Duplicate subscriptions are allowed and each one
   * receives its own copy. Works before `start()`.
   * @throws PubSubError `CLOSED`, `INVALID_ARGUMENT`
   */
  subscribe(topic: string, handler: Handler, options: SubscribeOptions = {}): Subscription {
    if (this.#state === 'closed') throw closedError()
    checkTopic(topic)
    if (typeof handler !== 'function') throw invalid('handler must be a function')
    const owner = options.owner === undefined ? handler : options.owner
    if (owner === null) throw invalid('owner must not be null (null means "no sender")')
    const entry = Object.freeze({
      handler: this.#guard(handler),
      metadata: options.metadata,
      owner,
    })
    this.#registry.add(topic, entry)
    const unsubscribe = (): void => {
      this.#registry.remove(topic, entry)
    }
    return { topic, unsubscribe, [Symbol.dispose]: unsubscribe }
  }

  /** Removes all of `owner`'s subscriptions to `topic` (owner defaults to the handler). No-op if none. */
  unsubscribe(topic: string, owner: unknown): void {
    this.#registry.removeOwner(topic, owner)
  }

  /** Sends to the other nodes through the adapter and dispatches locally with `from = null`. */
  broadcast(topic: string, message: Message, options: BroadcastOptions = {}): Promise<void> {
    return this.#broadcast(null, topic, message, options)
  }

  /**
   * Like {@link PubSub.broadcast}, but the local dispatch skips subscriptions owned by `from`.
   * Remote nodes dispatch with `from = null`.
   */
  broadcastFrom(
    from: unknown,
    topic: string,
    message: Message,
    options: BroadcastOptions = {},
  ): Promise<void> {
    return this.#broadcast(from ?? null, topic, message, options)
  }

  /** Dispatches on this node only, synchronously. */
  localBroadcast(topic: string, message: Message, options: BroadcastOptions = {}): void {
    this.localBroadcastFrom(null, topic, message, options)
  }

  /** Dispatches on this node only, skipping subscriptions owned by `from`. */
  localBroadcastFrom(
    from: unknown,
    topic: string,
    message: Message,
    options: BroadcastOptions = {},
  ): void {
    checkTopic(topic)
    const dispatcher = this.#dispatcher(options)
    this.#dispatch(dispatcher, from ?? null, topic, message)
  }

  /**
   * Sends to the node named `node` only; it always goes through the adapter, even when `node`
   * is this node. An unknown node is silently ignored.
   */
  async directBroadcast(
    node: string,
    topic: string,
    message: Message,
    options: BroadcastOptions = {},
  ): Promise<void> {
    if (typeof node !== 'string') throw invalid('node must be a string')
    checkTopic(topic)
    const dispatcher = options.dispatcher ?? DEFAULT
    this.#dispatcher(options)
    this.#assertStarted()
    await this.#adapter.directBroadcast(node, { topic, message, dispatcher })
  }

  /**
   * Registers a dispatcher under `name` (replacing an earlier one of that name). Dispatchers
   * travel by name, so every node must register the same ones. `'default'` is built in.
   */
  registerDispatcher(name: string, dispatcher: Dispatcher): void {
    if (typeof name !== 'string' || name === '') throw invalid('dispatcher name must be a string')
    if (name === DEFAULT) throw invalid('the "default" dispatcher cannot be replaced')
    if (typeof dispatcher !== 'function') throw invalid('dispatcher must be a function')
    this.#dispatchers.set(name, dispatcher)
  }

  /** Number of local subscriptions to `topic` (duplicates counted). */
  subscriberCount(topic: string): number {
    return this.#registry.count(topic)
  }

  /** Drops every subscription and closes the adapter. Idempotent. */
  close(): Promise<void> {
    this.#closing ??= this.#closeAdapter()
    return this.#closing
  }

  /** Same as {@link PubSub.close}, for `await using`. */
  [Symbol.asyncDispose](): Promise<void> {
    return this.close()
  }

  async #broadcast(
    from: unknown,
    topic: string,
    message: Message,
    options: BroadcastOptions,
  ): Promise<void> {
    checkTopic(topic)
    const dispatcher = this.#dispatcher(options)
    this.#assertStarted()
    const msg: RemoteMessage = { topic, message, dispatcher: options.dispatcher ?? DEFAULT }
    // Remote send is issued first (as Phoenix does) but local dispatch runs synchronously,
    // before any await, so consecutive broadcasts keep their order locally.
    const sent = callAdapter(() => this.#adapter.broadcast(msg))
    this.#dispatch(dispatcher, from, topic, message)
    await sent
  }

  #dispatch(dispatcher: Dispatcher, from: unknown, topic: string, message: Message): void {
    const entries = this.#registry.entries(topic)
    if (entries.length === 0) return
    try {
      dispatcher(entries, from, message, topic)
    } catch (error) {
      this.#logger.error('pubsub: dispatcher threw', { topic, error })
    }
  }

  #onRemote(msg: RemoteMessage): void {
    if (this.#state === 'closed') return
    const dispatcher = this.#dispatchers.get(msg.dispatcher)
    if (dispatcher === undefined) {
      const error = new PubSubError('UNKNOWN_DISPATCHER', `unknown dispatcher "${msg.dispatcher}"`)
      this.#logger.error('pubsub: remote message names an unknown dispatcher', { error })
      return
    }
    this.#dispatch(dispatcher, null, msg.topic, msg.message)
  }

  /** Wraps a handler so one failing subscriber never stops the others. */
  #guard(handler: Handler): Handler {
    const logger = this.#logger
    return (message, topic) => {
      try {
        const result: unknown = handler(message, topic)
        if (result instanceof Promise) {
          result.catch((error: unknown) =>
            logger.error('pubsub: handler rejected', { topic, error }),
          )
        }
      } catch (error) {
        logger.error('pubsub: handler threw', { topic, error })
      }
    }
  }

  #dispatcher(options: BroadcastOptions): Dispatcher {
    const name = options.dispatcher ?? DEFAULT
    const dispatcher = this.#dispatchers.get(name)
    if (dispatcher === undefined) {
      throw new PubSubError(
        'UNKNOWN_DISPATCHER',
        `no dispatcher named "${name}"; call registerDispatcher() on every node first`,
      )
    }
    return dispatcher
  }

  #assertStarted(): void {
    if (this.#state === 'started') return
    if (this.#state === 'closed') throw closedError()
    throw new PubSubError('NOT_STARTED', 'PubSub is not started; await pubsub.start() first')
  }

  async #startAdapter(): Promise<void> {
    this.#state = 'starting'
    try {
      await this.#adapter.start((msg) => this.#onRemote(msg))
    } catch (error) {
      if (this.#state === 'starting') {
        this.#state = 'idle'
        this.#starting = null
      }
      throw error
    }
    if (this.#state === 'starting') this.#state = 'started'
  }

  async #closeAdapter(): Promise<void> {
    const starting = this.#starting
    this.#state = 'closed'
    this.#registry.clear()
    if (starting !== null) await starting.catch(() => undefined)
    await this.#adapter.close()
  }
}

/** Calls `send` synchronously; a synchronous throw becomes a rejection like an async one. */
async function callAdapter(send: () => Promise<void>): Promise<void> {
  await send()
}

function checkTopic(topic: unknown): asserts topic is string {
  if (typeof topic !== 'string') throw invalid('topic must be a string')
}

function invalid(message: string): PubSubError {
  return new PubSubError('INVALID_ARGUMENT', message)
}

function closedError(): PubSubError {
  return new PubSubError('CLOSED', 'PubSub is closed')
}
