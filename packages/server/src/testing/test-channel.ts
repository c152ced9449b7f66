// A joined channel as a test sees it: push events and await their replies, await pushes
// and broadcasts (or assert they never come), broadcast from the test, leave and close.
// Named after Phoenix.ChannelTest's functions; every wait is bounded and says what came.

import { Events, type Message } from '@plume/protocol'
import { FASTLANE_DISPATCHER } from '../fastlane.js'
import type { Broadcast } from '../types.js'
import { assertPayload } from '../validate.js'
import type {
  BroadcastEvent,
  BroadcastPayload,
  ChannelEvents,
  InEvent,
  InPayload,
  JoinReply,
  OutEvent,
  OutPayload,
  PushRef,
  ReplyOf,
} from './events.js'
import type { Mailbox } from './mailbox.js'
import { matches, show, showExpected, type Expected } from './match.js'
import type { BroadcastRecorder } from './recorder.js'
import type { Wire } from './wire.js'

/** Per-call bound of an assertion, in real milliseconds. */
export interface WaitOptions {
  readonly timeout?: number
}

/** A channel joined through {@link TestSocket.join} or {@link TestSocket.subscribeAndJoin}. */
export class TestChannel<E extends ChannelEvents = ChannelEvents> {
  readonly topic: string
  readonly joinRef: string
  /** The response of the join reply. */
  readonly joinReply: JoinReply<E>
  readonly #wire: Wire
  readonly #recorder: BroadcastRecorder | undefined
  readonly #owner: symbol

  /** Built by {@link TestSocket}; not meant to be constructed by tests. */
  constructor(
    wire: Wire,
    joined: { topic: string; joinRef: string; reply: unknown },
    recorder?: BroadcastRecorder,
  ) {
    this.#wire = wire
    this.topic = joined.topic
    this.joinRef = joined.joinRef
    this.joinReply = joined.reply
    this.#recorder = recorder
    this.#owner = recorder?.owner ?? Symbol('plume test channel')
  }

  /** Pushes `event` to the channel's `handleIn`; returns the ref for {@link assertReply}. */
  push<K extends InEvent<E>>(event: K, payload?: InPayload<E, K>): PushRef<K> {
    assertPayload(payload ?? {}, 'push')
    const ref = this.#wire.nextRef()
    const msg = { joinRef: this.joinRef, ref, topic: this.topic, event, payload: payload ?? {} }
    this.#wire.send(msg).catch(() => {})
    return ref
  }

  /** Awaits the reply to `ref` with `status` (and `response`, when given); returns the response. */
  async assertReply<K extends string>(
    ref: PushRef<K>,
    status: string,
    response?: Expected<ReplyOf<E, K>>,
    options: WaitOptions = {},
  ): Promise<ReplyOf<E, K>> {
    const isReply = (m: Message): boolean => m.event === Events.reply && m.ref === ref
    const payload = (m: Message) => m.payload as { status: string; response: ReplyOf<E, K> }
    const what = `a reply to ref ${ref} with status ${show(status)} and ${showExpected(response)}`
    const found = await this.#wire.mailbox.expect(
      what,
      (m) =>
        this.#mine(m) &&
        isReply(m) &&
        payload(m).status === status &&
        matches(payload(m).response, response),
      this.#timeout(options),
    )
    return payload(found).response
  }

  /** Awaits a push of `event` (matching `payload`, when given) to this client; returns its payload. */
  async assertPush<K extends OutEvent<E>>(
    event: K,
    payload?: Expected<OutPayload<E, K>>,
    options: WaitOptions = {},
  ): Promise<OutPayload<E, K>> {
    const found = await this.#wire.mailbox.expect(
      `a push "${event}" on ${this.topic} with ${showExpected(payload)}`,
      this.#isPush(event, payload),
      this.#timeout(options),
    )
    return found.payload as OutPayload<E, K>
  }

  /** Fails if a push of `event` (matching `payload`) is here or arrives within the refute window. */
  refutePush<K extends OutEvent<E>>(
    event: K,
    payload?: Expected<OutPayload<E, K>>,
    options: WaitOptions = {},
  ): Promise<void> {
    const window = options.timeout ?? this.#wire.timeouts.refute
    const what = `push "${event}" on ${this.topic} with ${showExpected(payload)}`
    return this.#wire.mailbox.refute(what, this.#isPush(event, payload), window)
  }

  /** Awaits a broadcast of `event` on the topic (needs {@link TestSocket.subscribeAndJoin}). */
  async assertBroadcast<K extends BroadcastEvent<E>>(
    event: K,
    payload?: Expected<BroadcastPayload<E, K>>,
    options: WaitOptions = {},
  ): Promise<BroadcastPayload<E, K>> {
    const found = await this.#subscribed('assertBroadcast').expect(
      `a broadcast "${event}" on ${this.topic} with ${showExpected(payload)}`,
      (b) => b.event === event && matches(b.payload as BroadcastPayload<E, K>, payload),
      this.#timeout(options),
    )
    return found.payload as BroadcastPayload<E, K>
  }

  /** Fails if a broadcast of `event` (matching `payload`) is seen within the refute window. */
  refuteBroadcast<K extends BroadcastEvent<E>>(
    event: K,
    payload?: Expected<BroadcastPayload<E, K>>,
    options: WaitOptions = {},
  ): Promise<void> {
    return this.#subscribed('refuteBroadcast').refute(
      `broadcast "${event}" on ${this.topic} with ${showExpected(payload)}`,
      (b) => b.event === event && matches(b.payload as BroadcastPayload<E, K>, payload),
      options.timeout ?? this.#wire.timeouts.refute,
    )
  }

  /** Broadcasts on the topic from the test: every subscriber gets it except the test itself. */
  async broadcastFrom<K extends BroadcastEvent<E>>(
    event: K,
    payload: BroadcastPayload<E, K> & object,
  ): Promise<void> {
    assertPayload(payload, 'broadcast')
    const message: Broadcast = { topic: this.topic, event, payload }
    await this.#wire.pubsub.broadcastFrom(this.#owner, this.topic, message, {
      dispatcher: FASTLANE_DISPATCHER,
    })
  }

  /**
   * Resolves once everything pushed so far has reached the channel and its callbacks have
   * run, as far as they do not wait for real I/O (channel callbacks run on microtasks, and
   * this waits one event-loop turn). Use it before advancing virtual time after a push.
   */
  settle(): Promise<void> {
    return this.#wire.settle()
  }

  /** Sends `phx_leave`; await `assertReply(ref, 'ok')` to know the channel has left. */
  leave(): PushRef<'phx_leave'> {
    const ref = this.#wire.nextRef()
    const msg = { joinRef: this.joinRef, ref, topic: this.topic, event: Events.leave, payload: {} }
    this.#wire.send(msg).catch(() => {})
    this.#unsubscribe()
    return ref
  }

  /** Closes the whole socket, as a client going away would; its channels terminate. */
  close(): Promise<void> {
    this.#unsubscribe()
    this.#wire.socket.closeFromClient()
    return Promise.resolve()
  }

  #unsubscribe(): void {
    this.#recorder?.unsubscribe()
  }

  #subscribed(caller: string): Mailbox<Broadcast> {
    if (this.#recorder !== undefined) return this.#recorder.mailbox
    throw new Error(
      `${caller} needs a subscription to ${this.topic}: join with subscribeAndJoin, not join`,
    )
  }

  /** This instance's messages: its own, or topic broadcasts (join_ref null). */
  #mine(m: Message): boolean {
    return m.topic === this.topic && (m.joinRef === null || m.joinRef === this.joinRef)
  }

  #isPush<P>(event: string, payload: Expected<P> | undefined): (m: Message) => boolean {
    return (m) =>
      this.#mine(m) &&
      m.event === event &&
      m.event !== Events.reply &&
      matches(m.payload as P, payload)
  }

  #timeout(options: WaitOptions): number {
    return options.timeout ?? this.#wire.timeouts.assert
  }
}
