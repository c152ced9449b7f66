// One channel instance: an actor with a private mailbox (TaskQueue). Join, client messages,
// intercepted broadcasts, info messages and terminate all run as queued tasks, so callbacks
// of one channel never interleave. A throwing callback crashes this channel only: the client
// gets phx_error and the connection and its other channels carry on.

import { Events, replyMessage, type Message } from '@plume/protocol'
import { ChannelContextImpl, type ContextChannel } from './channel-context.js'
import { ChannelResources } from './channel-resources.js'
import type { ChannelHost, ExitSignal } from './channel-host.js'
import { ServerError } from './errors.js'
import { refusalOf } from './refusals.js'
import { subscribeFastlane, type FastlaneTarget } from './fastlane.js'
import { isCleanReason, type InResult, type Payload, type StopReason } from './results.js'
import { assertPayload, checkInfoResult, checkInResult, checkJoinResult } from './validate.js'
import { TaskQueue } from './task-queue.js'
import { channelCrash, channelJoin, channelLeave, publishChannel, reasonLabel } from './events.js'
import type { Assigns, Broadcast, ChannelHandler, ReplyRef, TerminateReason } from './types.js'

type ChannelState = 'joining' | 'joined' | 'closing' | 'closed'

/** Everything a channel is created with. */
export interface ChannelInit {
  readonly host: ChannelHost
  readonly topic: string
  readonly joinRef: string
  readonly handler: ChannelHandler
  readonly assigns: Assigns
  readonly ownerId: string
}

export class Channel implements ContextChannel, FastlaneTarget {
  readonly topic: string
  readonly joinRef: string
  readonly ownerId: string
  readonly #host: ChannelHost
  readonly #handler: ChannelHandler
  readonly #ctx: ChannelContextImpl
  readonly #queue: TaskQueue
  readonly #exited: Promise<void>
  #resolveExited: () => void = () => {}
  #state: ChannelState = 'joining'
  #pending: Message[] = []
  readonly #resources: ChannelResources
  #current: ReplyRef | undefined

  constructor(init: ChannelInit) {
    this.topic = init.topic
    this.joinRef = init.joinRef
    this.ownerId = init.ownerId
    this.#host = init.host
    this.#handler = init.handler
    this.#ctx = new ChannelContextImpl(this, init.host, { ...init.assigns })
    this.#queue = new TaskQueue((error) => this.#crash(error), init.host.maxMailbox)
    this.#resources = new ChannelResources(init.host.logger, init.topic)
    this.#exited = new Promise<void>((r) => (this.#resolveExited = r))
  }

  /** Settles once the channel has fully ended (terminate done). */
  get exited(): Promise<void> {
    return this.#exited
  }

  /** Runs `join`; resolves true when joined (the reply has been written either way). */
  join(params: Record<string, unknown>): Promise<boolean> {
    return new Promise((resolve) => {
      this.#queue.push(async () => {
        let joined = false
        try {
          joined = await this.#runJoin(params)
        } finally {
          resolve(joined)
        }
      })
    })
  }

  /** A client message for this channel instance (not a join). */
  deliver(msg: Message): void {
    if (msg.event === Events.leave) {
      this.#enqueue(() => {
        this.#write(replyMessage(this.joinRef, msg.ref, this.topic, 'ok', {}))
        void this.exit('left', 'close')
      })
      return
    }
    const busy = { reason: 'channel busy' }
    this.#enqueue(
      () => this.#runIn(msg),
      () => this.#write(replyMessage(this.joinRef, msg.ref, this.topic, 'error', busy)),
    )
  }

  /** An intercepted broadcast: handleOut, or a plain push when there is none. */
  handleOut(b: Broadcast): void {
    this.#enqueue(async () => {
      if (this.#handler.handleOut === undefined) return this.pushBroadcast(b)
      this.#applyInfo(
        checkInfoResult(await this.#handler.handleOut(b.event, b.payload, this.#ctx), 'handleOut'),
      )
    })
  }

  /** A process-style message: `ch.send`, or a PubSub message from `ch.subscribe`. */
  handleInfo(message: unknown): void {
    this.#enqueue(async () => {
      if (this.#handler.handleInfo === undefined) {
        this.#host.logger.warn('plume: message for a channel without handleInfo; dropped', {
          topic: this.topic,
        })
        return
      }
      this.#applyInfo(
        checkInfoResult(await this.#handler.handleInfo(message, this.#ctx), 'handleInfo'),
      )
    })
  }

  /** Ends the channel: signal the client, run onTerminate hooks, then (queued) terminate. */
  exit(reason: TerminateReason, signal: ExitSignal): Promise<void> {
    if (this.#state === 'closing' || this.#state === 'closed') return this.#exited
    const wasJoined = this.#state === 'joined'
    this.#beginExit(reason, signal)
    this.#queue.push(async () => {
      if (wasJoined) await this.#runTerminate(reason)
      this.#finish()
    })
    return this.#exited
  }

  /**
   * Exit after the messages already queued (a leave sent just before a re-join is still
   * answered), as a trapped exit signal would be in Phoenix. Used for duplicate joins.
   */
  exitAfterPending(reason: TerminateReason): Promise<void> {
    if (this.#state !== 'closing' && this.#state !== 'closed') {
      this.#queue.push(() => void this.exit(reason, 'none'))
    }
    return this.#exited
  }

  /** Why the channel ended (undefined while it lives). */
  get exitReason(): TerminateReason | undefined {
    return this.#resources.reason
  }

  /** Gives up waiting (duplicate-join kill timeout): the channel ends now, later writes are dropped. */
  kill(reason: TerminateReason): void {
    if (this.#state === 'joining' || this.#state === 'joined') this.#beginExit(reason, 'none')
    if (this.#state === 'closing') this.#finish()
  }

  // ---- used by the context ----

  push(event: string, payload: Payload): void {
    assertPayload(payload, 'push')
    const msg: Message = { joinRef: this.joinRef, ref: null, topic: this.topic, event, payload }
    if (this.#state === 'joining') this.#pending.push(msg)
    else this.#write(msg)
  }

  reply(ref: ReplyRef, status: string, response: Payload): void {
    assertPayload(response, 'reply')
    this.#write(replyMessage(ref.joinRef, ref.ref, ref.topic, status, response))
  }

  captureReply(): ReplyRef {
    if (this.#current === undefined) {
      throw new ServerError(
        'NO_REF',
        'captureReply() works only inside handleIn for a message that carries a ref',
      )
    }
    return this.#current
  }

  requestStop(reason: StopReason): void {
    if (this.#state === 'closing' || this.#state === 'closed') return
    this.#queue.push(() => void this.exit(reason, isCleanReason(reason) ? 'close' : 'error'))
  }

  subscribe(topic: string): () => void {
    const sub = this.#host.pubsub.subscribe(topic, (m) => this.handleInfo(m), {
      owner: this.ownerId,
    })
    return this.#resources.addSubscription(() => sub.unsubscribe())
  }

  onTerminate(fn: (reason: TerminateReason) => void): () => void {
    return this.#resources.onTerminate(fn)
  }

  // ---- internals ----

  /** Offers an outside task; `onFull` runs when the mailbox is full (default: overloaded). */
  #enqueue(task: () => Promise<void> | void, onFull?: () => void): void {
    if (this.#state === 'closing' || this.#state === 'closed') return
    if (this.#queue.offer(task)) return
    if (onFull !== undefined) onFull()
    else this.#host.overloaded?.(this.topic)
  }

  async #runJoin(params: Record<string, unknown>): Promise<boolean> {
    let result
    try {
      result = checkJoinResult(await this.#handler.join(this.topic, params, this.#ctx))
    } catch (error) {
      const refusal = refusalOf(error)
      if (refusal === undefined)
        this.#host.logger.error('plume: join crashed', { topic: this.topic, error })
      result = { type: 'error', response: refusal ?? { reason: 'join crashed' } } as const
    }
    if (this.#state !== 'joining') return false
    this.#host.write(
      replyMessage(this.joinRef, this.joinRef, this.topic, result.type, result.response),
    )
    publishChannel(channelJoin, this, this.#host, { status: result.type })
    if (result.type === 'error') {
      this.#beginExit('closed', 'none')
      this.#finish()
      return false
    }
    this.#state = 'joined'
    this.#subscribeFastlane()
    for (const msg of this.#pending.splice(0)) this.#host.write(msg)
    return true
  }

  async #runIn(msg: Message): Promise<void> {
    if (this.#handler.handleIn === undefined) {
      this.#host.logger.warn('plume: event for a channel without handleIn', {
        topic: this.topic,
        event: msg.event,
      })
      this.#write(
        replyMessage(this.joinRef, msg.ref, this.topic, 'error', { reason: 'unhandled event' }),
      )
      return
    }
    this.#current =
      msg.ref === null ? undefined : { topic: this.topic, ref: msg.ref, joinRef: this.joinRef }
    let result: InResult
    try {
      result = checkInResult(await this.#handler.handleIn(msg.event, msg.payload, this.#ctx))
    } catch (error) {
      // A limit refused something (presence update budget, a meta the wire cannot carry).
      const refusal = refusalOf(error)
      if (refusal === undefined) throw error
      result = { type: 'reply', status: 'error', response: refusal }
    } finally {
      this.#current = undefined
    }
    if (result === undefined || result.type === 'noreply') return
    const r = result.type === 'reply' ? result : result.reply
    if (r !== undefined)
      this.#write(replyMessage(this.joinRef, msg.ref, this.topic, r.status, r.response))
    if (result.type === 'stop') this.#applyInfo(result)
  }

  #applyInfo(result: ReturnType<typeof checkInfoResult>): void {
    if (result?.type !== 'stop') return
    void this.exit(result.reason, isCleanReason(result.reason) ? 'close' : 'error')
  }

  /** The handler's intercepted events (for the fastlane). */
  get interceptedEvents(): readonly string[] {
    return this.#handler.intercept ?? []
  }

  /** A broadcast pushed to the client as it is (no handleOut). */
  pushBroadcast(b: Broadcast): void {
    this.#write({ joinRef: null, ref: null, topic: this.topic, event: b.event, payload: b.payload })
  }

  #subscribeFastlane(): void {
    // The channel is its own fastlane target: no per-channel adapter object or closures.
    this.#resources.addSubscription(subscribeFastlane(this.#host, this))
  }

  #crash(error: unknown): void {
    this.#host.logger.error('plume: channel crashed', {
      topic: this.topic,
      joinRef: this.joinRef,
      error,
    })
    publishChannel(channelCrash, this, this.#host, { error })
    void this.exit({ crash: error }, 'error')
  }

  #beginExit(reason: TerminateReason, signal: ExitSignal): void {
    const leave = { reason: reasonLabel(reason) }
    if (this.#state === 'joined') publishChannel(channelLeave, this, this.#host, leave)
    this.#state = 'closing'
    this.#queue.clear()
    this.#pending = []
    this.#host.channelExited(this, signal)
    this.#resources.release(reason)
  }

  async #runTerminate(reason: TerminateReason): Promise<void> {
    if (this.#handler.terminate === undefined) return
    try {
      await this.#handler.terminate(reason, this.#ctx)
    } catch (error) {
      this.#host.logger.error('plume: terminate threw', { topic: this.topic, error })
    }
  }

  /** Writes unless the channel has fully ended (or was killed). */
  #write(msg: Message): void {
    if (this.#state !== 'closed') this.#host.write(msg)
  }

  #finish(): void {
    if (this.#state === 'closed') return
    this.#state = 'closed'
    this.#resolveExited()
  }
}
