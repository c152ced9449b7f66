// The part every broker adapter shares, owned by composition: the start/close lifecycle
// (idle → starting → started → closed, with a close() that may land during a start), the
// guard of the send methods, and the receive path (envelope header filter, decode, deliver,
// log). An adapter keeps only what talks to its broker.
import { Buffer } from 'node:buffer'
import { PubSubError } from './errors.js'
import { decodeEnvelope, encodeEnvelope, envelopeHeaderFilter } from './envelope.js'
import type { Envelope } from './envelope.js'
import type { Logger } from './logger.js'
import type { RemoteMessage } from './types.js'

/** Where an adapter is in its life. */
export type AdapterState = 'idle' | 'starting' | 'started' | 'closed'

/** Options of {@link AdapterCore}. */
export interface AdapterCoreOptions {
  /** Names the adapter in errors and logs, e.g. `'RedisAdapter'`. */
  readonly kind: string
  readonly nodeName: string
  readonly logger: Logger
}

const utf8 = new TextDecoder('utf-8', { fatal: true })

/**
 * Lifecycle and envelope handling of a broker adapter; `Live` is whatever the adapter holds
 * while connected (connections, subscriptions, claims).
 * @example
 * const core = new AdapterCore<Live>({ kind: 'MyAdapter', nodeName, logger })
 * core.beginStart(deliver); core.attach(await openBroker()); if (!core.finishStart()) undo()
 */
export class AdapterCore<Live> {
  readonly nodeName: string
  readonly #kind: string
  readonly #logger: Logger
  readonly #skip: (text: string) => boolean
  #state: AdapterState = 'idle'
  #live: Live | undefined
  #deliver: ((msg: RemoteMessage) => void) | undefined

  constructor(options: AdapterCoreOptions) {
    this.nodeName = options.nodeName
    this.#kind = options.kind
    this.#logger = options.logger
    this.#skip = envelopeHeaderFilter(options.nodeName)
  }

  get state(): AdapterState {
    return this.#state
  }

  /** The connection while starting or started (until close or a failed start). */
  get live(): Live | undefined {
    return this.#live
  }

  /**
   * First step of `start`: refuses a second start (`ALREADY_STARTED`) and a start after close
   * (`CLOSED`), and remembers where to deliver.
   */
  beginStart(deliver: (msg: RemoteMessage) => void): void {
    if (this.#state === 'closed') throw new PubSubError('CLOSED', `${this.#kind} is closed`)
    if (this.#state !== 'idle')
      throw new PubSubError('ALREADY_STARTED', `${this.#kind}.start() called twice`)
    this.#state = 'starting'
    this.#deliver = deliver
  }

  /** Records the connection as soon as it exists, so a close() during the start reaches it. */
  attach(live: Live): void {
    this.#live = live
  }

  /** A start failed: forgets `live` and goes back to idle (unless closed), so it can be retried. */
  failStart(live: Live | undefined): void {
    this.detach(live)
    this.#deliver = undefined
    if (this.#state === 'starting') this.#state = 'idle'
  }

  /** Last step of `start`: false when close() ran meanwhile, and the caller must undo its part. */
  finishStart(): boolean {
    if (this.#state !== 'starting') return false
    this.#state = 'started'
    return true
  }

  /** Marks the adapter closed (idempotent) and hands back the connection to shut down. */
  close(): Live | undefined {
    const live = this.#live
    this.#state = 'closed'
    this.#live = undefined
    this.#deliver = undefined
    return live
  }

  /** Forgets `live` when it is still the current connection. */
  detach(live: Live | undefined): void {
    if (live !== undefined && this.#live === live) this.#live = undefined
  }

  /** The connection, for a send; throws `CLOSED` or `NOT_STARTED` otherwise. */
  requireStarted(): Live {
    if (this.#state === 'closed') throw new PubSubError('CLOSED', `${this.#kind} is closed`)
    if (this.#state !== 'started' || this.#live === undefined) {
      throw new PubSubError('NOT_STARTED', `${this.#kind}: await start() before broadcasting`)
    }
    return this.#live
  }

  /**
   * Envelope text of a send from this node; `BAD_MESSAGE` when it cannot be carried or is
   * larger than `maxBytes` (UTF-8), the broker's payload limit.
   */
  encode(mode: Envelope['mode'], node: string, msg: RemoteMessage, maxBytes = Infinity): string {
    const { topic, dispatcher, message } = msg
    const sender = this.nodeName
    const text = encodeEnvelope({ v: 1, mode, node, sender, topic, dispatcher, message })
    // A UTF-8 byte is at least one UTF-16 unit: short texts skip the byte count.
    if (text.length * 3 > maxBytes && Buffer.byteLength(text) > maxBytes) {
      const size = Buffer.byteLength(text)
      throw new PubSubError(
        'BAD_MESSAGE',
        `${this.#kind}: ${size} bytes exceed the limit ${maxBytes}`,
      )
    }
    return text
  }

  /**
   * Handles one received envelope: drops it unread when its header says it is not for this
   * node, logs and drops a malformed one, and delivers the rest. Never throws.
   * `where` names the source (channel, subject) in logs.
   */
  receive(data: string | Uint8Array, where: Record<string, unknown>): void {
    const deliver = this.#deliver
    if (deliver === undefined) return
    const env = this.#decode(data, where)
    if (env === undefined) return
    if (env.mode === 'only' ? env.node !== this.nodeName : env.node === this.nodeName) return
    try {
      deliver({ topic: env.topic, message: env.message, dispatcher: env.dispatcher })
    } catch (error) {
      this.#logger.error(`${this.#kind}: deliver threw`, { topic: env.topic, error })
    }
  }

  #decode(data: string | Uint8Array, where: Record<string, unknown>): Envelope | undefined {
    try {
      const text = typeof data === 'string' ? data : utf8.decode(data)
      if (this.#skip(text)) return undefined
      return decodeEnvelope(text)
    } catch (error) {
      const bytes = data.length
      this.#logger.warn(`${this.#kind} dropped a malformed message`, { ...where, error, bytes })
      return undefined
    }
  }
}
