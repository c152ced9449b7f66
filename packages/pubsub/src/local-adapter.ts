// The embedded single-node adapter (the default when PubSub gets no adapter). There are no
// other nodes, so broadcast goes nowhere; directBroadcast to its own name is delivered back
// asynchronously, as a real broker would, and anything else is dropped like an unknown node.

import { PubSubError } from './errors.js'
import { silentLogger, type Logger } from './logger.js'
import type { Adapter, RemoteMessage } from './types.js'

/** Options of {@link LocalAdapter}. */
export interface LocalAdapterOptions {
  /** Receives errors thrown by the `deliver` callback. @default silentLogger */
  logger?: Logger
}

/**
 * Single-node adapter with zero services.
 * @example
 * const pubsub = new PubSub({ adapter: new LocalAdapter('web-1') })
 */
export class LocalAdapter implements Adapter {
  /** This node's name. */
  readonly nodeName: string
  /** Nothing leaves the node, so nothing is too large. */
  readonly maxMessageBytes = Infinity
  readonly #logger: Logger
  #deliver: ((msg: RemoteMessage) => void) | null = null
  #state: 'idle' | 'started' | 'closed' = 'idle'

  /** @param nodeName this node's name. @default 'nonode' */
  constructor(nodeName = 'nonode', options: LocalAdapterOptions = {}) {
    if (typeof nodeName !== 'string' || nodeName === '') {
      throw new PubSubError('INVALID_ARGUMENT', 'nodeName must be a non-empty string')
    }
    this.nodeName = nodeName
    this.#logger = options.logger ?? silentLogger
  }

  start(deliver: (msg: RemoteMessage) => void): Promise<void> {
    if (this.#state === 'closed') return rejectWith('CLOSED', 'LocalAdapter is closed')
    if (this.#state === 'started')
      return rejectWith('ALREADY_STARTED', 'LocalAdapter already started')
    this.#deliver = deliver
    this.#state = 'started'
    return Promise.resolve()
  }

  broadcast(_msg: RemoteMessage): Promise<void> {
    return this.#checkStarted()
  }

  directBroadcast(node: string, msg: RemoteMessage): Promise<void> {
    const checked = this.#checkStarted()
    if (node === this.nodeName && this.#state === 'started') {
      queueMicrotask(() => this.#deliverNow(msg))
    }
    return checked
  }

  close(): Promise<void> {
    this.#state = 'closed'
    this.#deliver = null
    return Promise.resolve()
  }

  #deliverNow(msg: RemoteMessage): void {
    // re-read state: close() between send and delivery must win
    const deliver = this.#deliver
    if (deliver === null) return
    try {
      deliver(msg)
    } catch (error) {
      this.#logger.error('pubsub: deliver callback threw', { topic: msg.topic, error })
    }
  }

  #checkStarted(): Promise<void> {
    if (this.#state === 'started') return Promise.resolve()
    return this.#state === 'closed'
      ? rejectWith('CLOSED', 'LocalAdapter is closed')
      : rejectWith('NOT_STARTED', 'LocalAdapter is not started; call start() first')
  }
}

function rejectWith(
  code: 'CLOSED' | 'ALREADY_STARTED' | 'NOT_STARTED',
  msg: string,
): Promise<never> {
  return Promise.reject(new PubSubError(code, msg))
}
