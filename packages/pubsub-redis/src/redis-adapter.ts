// @plume/pubsub Adapter over Redis PUBLISH/SUBSCRIBE, after Phoenix.PubSub.Redis: every node
// subscribes to one channel `<prefix>:pubsub` and filters the envelope's mode/node itself
// (AdapterCore skips direct sends to other nodes on their header, unread). Node names are
// guarded by a TTL claim key.
import { randomUUID } from 'node:crypto'
import type { Redis } from 'ioredis'
import { AdapterCore, PubSubError } from '@plume/pubsub'
import type { Adapter, Envelope, RemoteMessage } from '@plume/pubsub'
import { NodeClaim } from './claim.js'
import {
  connect,
  createConnection,
  dropIfSilent,
  forceClose,
  isDisconnectedError,
  shutdown,
} from './connection.js'
import { resolveOptions } from './options.js'
import type { RedisAdapterOptions, ResolvedRedisOptions } from './options.js'

interface Live {
  readonly pub: Redis
  readonly sub: Redis
  readonly claim: NodeClaim
}

/**
 * Carries PubSub messages between nodes through a Redis (or Valkey) server.
 * @example
 * const adapter = new RedisAdapter({ url: 'redis://:secret@127.0.0.1:6379/0', nodeName: 'web-1' })
 * const pubsub = new PubSub({ adapter })
 */
export class RedisAdapter implements Adapter {
  /** This node's unique name in the cluster. */
  readonly nodeName: string
  /** The Redis channel every node subscribes to. */
  readonly channel: string
  readonly #opts: ResolvedRedisOptions
  readonly #instanceId = randomUUID()
  readonly #core: AdapterCore<Live>

  /** Largest envelope one PUBLISH carries (the `maxMessageBytes` option). */
  get maxMessageBytes(): number {
    return this.#opts.maxMessageBytes
  }

  /** Validates options; connects nothing until {@link RedisAdapter.start}. */
  constructor(options: RedisAdapterOptions) {
    this.#opts = resolveOptions(options)
    this.nodeName = this.#opts.nodeName
    this.channel = `${this.#opts.prefix}:pubsub`
    this.#core = new AdapterCore({
      kind: 'RedisAdapter',
      nodeName: this.nodeName,
      logger: this.#opts.logger,
    })
  }

  /**
   * Connects, claims the node name and subscribes.
   * @throws PubSubError `DUPLICATE_NODE` when a live node already uses this name; connection
   * errors from ioredis when the server cannot be reached. A failed start can be retried.
   */
  async start(deliver: (msg: RemoteMessage) => void): Promise<void> {
    this.#core.beginStart(deliver)
    const live = this.#open()
    try {
      await Promise.all([connect(live.pub), connect(live.sub)])
      await this.#claimName(live.claim)
      await live.sub.subscribe(this.channel)
    } catch (error) {
      await Promise.allSettled([shutdown(live.pub), shutdown(live.sub)])
      this.#core.failStart(live)
      throw error
    }
    if (!this.#core.finishStart()) {
      // close() ran meanwhile and may have released before we claimed: undo our part.
      await live.claim.release().catch(() => undefined)
      await Promise.allSettled([shutdown(live.pub), shutdown(live.sub)])
      return
    }
    live.claim.startRenewing(this.#opts.claimRefreshMs)
  }

  /** Publishes to every other node. Dropped (and logged) while Redis is unreachable. */
  async broadcast(msg: RemoteMessage): Promise<void> {
    await this.#publish('except', this.nodeName, msg)
  }

  /** Publishes to `node` only (also when it is this node); unknown nodes never see it. */
  async directBroadcast(node: string, msg: RemoteMessage): Promise<void> {
    await this.#publish('only', node, msg)
  }

  /**
   * Releases the node name and closes both connections. Idempotent. Resolves within
   * `closeTimeoutMs` even when Redis stopped answering: the connections are then dropped.
   */
  async close(): Promise<void> {
    const live = this.#core.close()
    if (live === undefined) return
    const { closeTimeoutMs, logger } = this.#opts
    const expired = { value: false }
    const polite = this.#closePolitely(live, expired)
    let timer: NodeJS.Timeout | undefined
    const deadline = new Promise<'late'>((resolve) => {
      timer = setTimeout(() => resolve('late'), closeTimeoutMs)
    })
    const outcome = await Promise.race([polite, deadline])
    clearTimeout(timer)
    if (outcome !== 'late') return
    expired.value = true
    logger.warn('redis close timed out, dropping the connections', { closeTimeoutMs })
    // If the claim was not released yet, it expires on its own after claimTtlMs.
    forceClose(live.pub)
    forceClose(live.sub)
  }

  /** Same as {@link RedisAdapter.close}, for `await using`. */
  async [Symbol.asyncDispose](): Promise<void> {
    await this.close()
  }

  async #closePolitely(live: Live, expired: { readonly value: boolean }): Promise<void> {
    try {
      await live.claim.release()
    } catch (error) {
      // The key then expires on its own after claimTtlMs.
      if (!expired.value) {
        this.#opts.logger.warn('redis node claim not released', { error: String(error) })
      }
    }
    await Promise.allSettled([shutdown(live.pub), shutdown(live.sub)])
  }

  #open(): Live {
    const pub = createConnection(this.#opts, 'publisher')
    const sub = createConnection(this.#opts, 'subscriber')
    const key = `${this.#opts.prefix}:node:${this.nodeName}`
    const claim = new NodeClaim(
      pub,
      key,
      this.#instanceId,
      this.#opts.claimTtlMs,
      this.#opts.logger,
    )
    sub.on('message', (channel: string, text: string) => {
      if (channel === this.channel) this.#core.receive(text, { channel })
    })
    // A broker restarted without persistence forgot the claim: take it back at once.
    pub.on('ready', () => {
      if (this.#core.state === 'started') void claim.renew()
    })
    const live = { pub, sub, claim }
    this.#core.attach(live)
    return live
  }

  async #claimName(claim: NodeClaim): Promise<void> {
    const result = await claim.acquire()
    if (result.ok) return
    throw new PubSubError(
      'DUPLICATE_NODE',
      `node name "${this.nodeName}" is already used by a live node (Redis key "${claim.key}" ` +
        `is held by instance ${result.holder}). Give every node a unique nodeName; if the ` +
        `previous process was killed, its claim expires within ${this.#opts.claimTtlMs} ms.`,
    )
  }

  async #publish(mode: Envelope['mode'], node: string, msg: RemoteMessage): Promise<void> {
    const live = this.#core.requireStarted()
    const text = this.#core.encode(mode, node, msg, this.#opts.maxMessageBytes)
    try {
      await live.pub.publish(this.channel, text)
    } catch (error) {
      if (!isDisconnectedError(error)) throw error
      dropIfSilent(live.pub, error)
      // Disconnected or silent: the outage is logged once, by the connection watcher (a
      // silent connection is dropped just above); Phoenix also drops and returns ok.
      this.#opts.logger.debug('redis publish dropped while disconnected', {
        topic: msg.topic,
        error: String(error),
      })
    }
  }
}
