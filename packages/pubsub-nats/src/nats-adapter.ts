// @plume/pubsub Adapter over NATS core pub/sub. Broadcasts go to one subject
// `<prefix>.all` with the shared envelope (receivers skip their own, mode `except`);
// direct messages go to `<prefix>.node.<base64url(name)>` so only the target receives them.
import { randomUUID } from 'node:crypto'
import { connect } from 'nats'
import type { Msg, NatsConnection, NatsError } from 'nats'
import { AdapterCore, PubSubError } from '@plume/pubsub'
import type { Adapter, Envelope, RemoteMessage } from '@plume/pubsub'
import { NameClaim } from './claim.js'
import type { ClaimConflict } from './claim.js'
import { nodeSubject, resolveOptions, subjectsFor } from './options.js'
import type { NatsAdapterOptions, ResolvedNatsOptions, Subjects } from './options.js'
import { watchStatus } from './status.js'
import { reportBrokerState } from './events.js'
import type { StatusWatch } from './status.js'

interface Live {
  readonly nc: NatsConnection
  readonly claim: NameClaim
  readonly status: StatusWatch
}

const encoder = new TextEncoder()
/** NATS' default `max_payload`. */
const DEFAULT_MAX_PAYLOAD = 1_048_576

// nats publishes synchronously; callers of the Adapter contract expect a rejection, not a throw.
// A throw inside a Promise executor becomes the rejection.
function settle(send: () => void): Promise<void> {
  return new Promise((resolve) => {
    send()
    resolve()
  })
}

/**
 * Carries PubSub messages between nodes through a NATS server or cluster.
 * @example
 * const adapter = new NatsAdapter({ servers: ['nats://10.0.0.1:4222', 'nats://10.0.0.2:4222'], nodeName: 'web-1' })
 * const pubsub = new PubSub({ adapter })
 */
export class NatsAdapter implements Adapter {
  /** This node's unique name in the cluster. */
  readonly nodeName: string
  /** The subjects this node publishes and listens on. */
  readonly subjects: Subjects
  readonly #opts: ResolvedNatsOptions
  readonly #instanceId = randomUUID()
  readonly #core: AdapterCore<Live>

  /**
   * Largest envelope the server accepts: its `max_payload` once connected (1 MiB, the NATS
   * default, before that).
   */
  get maxMessageBytes(): number {
    return this.#core.live?.nc.info?.max_payload ?? DEFAULT_MAX_PAYLOAD
  }

  /** Validates options; connects nothing until {@link NatsAdapter.start}. */
  constructor(options: NatsAdapterOptions) {
    this.#opts = resolveOptions(options)
    this.nodeName = this.#opts.nodeName
    this.subjects = subjectsFor(this.#opts.prefix, this.nodeName)
    this.#core = new AdapterCore({
      kind: 'NatsAdapter',
      nodeName: this.nodeName,
      logger: this.#opts.logger,
    })
  }

  /**
   * Connects, makes sure no live node uses this name, and subscribes.
   * @throws PubSubError `DUPLICATE_NODE` when another live node answers for this name;
   * the nats client's error when no server can be reached. A failed start can be retried.
   */
  async start(deliver: (msg: RemoteMessage) => void): Promise<void> {
    this.#core.beginStart(deliver)
    let live: Live | undefined
    try {
      live = await this.#open()
      const conflict = await live.claim.contest(this.#opts.claimTimeoutMs)
      if (conflict !== undefined) throw this.#duplicate(conflict)
      this.#subscribe(live.nc)
      await live.nc.flush() // interest registered on our server; other cluster servers learn it a moment later (README: Clusters)
    } catch (error) {
      if (live !== undefined) await this.#shutdown(live)
      this.#core.failStart(live)
      throw error
    }
    if (!this.#core.finishStart()) {
      await this.#shutdown(live) // close() ran while we were starting
      return
    }
    live.claim.phase = 'live'
  }

  /** Sends to every other node. Dropped (and logged at debug) while disconnected. */
  broadcast(msg: RemoteMessage): Promise<void> {
    return settle(() => this.#publish(this.subjects.all, 'except', this.nodeName, msg))
  }

  /** Sends to `node` only (also when it is this node); unknown nodes never see it. */
  directBroadcast(node: string, msg: RemoteMessage): Promise<void> {
    return settle(() => {
      // No node has an empty name, and it would make an invalid subject.
      if (node !== '') this.#publish(nodeSubject(this.#opts.prefix, node), 'only', node, msg)
    })
  }

  /**
   * Flushes what was sent, stops answering for the name and closes. Idempotent. Resolves
   * within `closeTimeoutMs` even when the server stopped answering: the flush is then cut short.
   */
  async close(): Promise<void> {
    const live = this.#core.close()
    if (live !== undefined) await this.#shutdown(live)
  }

  /** Same as {@link NatsAdapter.close}, for `await using`. */
  async [Symbol.asyncDispose](): Promise<void> {
    await this.close()
  }

  async #open(): Promise<Live> {
    const nc = await connect({
      maxReconnectAttempts: -1,
      // Well inside the tracker's 3 s down period, so a broker blip heals before peers are down.
      reconnectTimeWait: 500,
      name: `plume:${this.nodeName}`,
      ...this.#opts.connectOptions,
      servers: this.#opts.servers,
    })
    const claim = new NameClaim(nc, this.subjects.claim, this.#instanceId)
    claim.listen()
    const status = watchStatus(nc, this.#opts.logger, () => void this.#recheckClaim())
    const live = { nc, claim, status }
    this.#core.attach(live)
    reportBrokerState(nc, this.nodeName)
    return live
  }

  #subscribe(nc: NatsConnection): void {
    // Callback subscriptions run in socket order, which keeps each sender's messages in
    // order across the broadcast and the direct subject.
    const callback = (error: NatsError | null, msg: Msg): void => this.#onMessage(error, msg)
    nc.subscribe(this.subjects.all, { callback })
    nc.subscribe(this.subjects.self, { callback })
  }

  #duplicate(conflict: ClaimConflict): PubSubError {
    const how =
      conflict.phase === 'live'
        ? 'is already used by a live node'
        : 'is being claimed by another node starting at the same time'
    return new PubSubError(
      'DUPLICATE_NODE',
      `node name "${this.nodeName}" ${how} (instance ${conflict.holder}, answering on ` +
        `"${this.subjects.claim}"). Give every node a unique nodeName; the name is free as soon ` +
        `as the other node's connection closes.`,
    )
  }

  // After an outage another instance may have taken the name while we were unreachable.
  async #recheckClaim(): Promise<void> {
    const live = this.#core.live
    if (live === undefined || this.#core.state !== 'started') return
    try {
      const others = await live.claim.ask(this.#opts.claimTimeoutMs)
      if (others.length > 0) {
        this.#opts.logger.error('nats node name used by another live instance', {
          nodeName: this.nodeName,
          others: others.map((r) => r.id),
        })
      }
    } catch (error) {
      this.#opts.logger.debug('nats node name re-check failed', { error: String(error) })
    }
  }

  #publish(subject: string, mode: Envelope['mode'], node: string, msg: RemoteMessage): void {
    const live = this.#core.requireStarted()
    const text = this.#core.encode(mode, node, msg, this.maxMessageBytes)
    if (live.status.down) {
      // The client would buffer without bound until reconnect; drop instead (at-most-once,
      // like the Redis adapter). The outage itself is already logged once.
      this.#opts.logger.debug('nats publish dropped while disconnected', { topic: msg.topic })
      return
    }
    live.nc.publish(subject, encoder.encode(text))
  }

  #onMessage(error: NatsError | null, msg: Msg): void {
    if (error !== null) {
      if (this.#core.state !== 'closed')
        this.#opts.logger.error('nats subscription error', { error: String(error) })
      return
    }
    this.#core.receive(msg.data, { subject: msg.subject })
  }

  async #shutdown(live: Live): Promise<void> {
    this.#core.detach(live)
    live.claim.stop()
    if (!live.nc.isClosed() && !live.status.down) await this.#drain(live.nc)
    // drain() resolves without closing when a reconnect cuts its flush short (a silently
    // dead connection), and the client would then reconnect forever: close in every case.
    // A close that follows an unfinished drain skips the flush, so it cannot hang either.
    if (!live.nc.isClosed()) await live.nc.close()
    await live.status.stop()
  }

  // On a silently dead connection drain() waits for a PONG until stale detection (minutes
  // by default): give up after closeTimeoutMs and let the caller close at once.
  async #drain(nc: NatsConnection): Promise<void> {
    const { closeTimeoutMs, logger } = this.#opts
    let timer: NodeJS.Timeout | undefined
    const late = new Promise<'late'>((resolve) => {
      timer = setTimeout(() => resolve('late'), closeTimeoutMs)
    })
    const outcome = await Promise.race([nc.drain().catch(() => undefined), late])
    clearTimeout(timer)
    if (outcome === 'late') {
      logger.warn('nats close timed out draining, closing at once', { closeTimeoutMs })
    }
  }
}
