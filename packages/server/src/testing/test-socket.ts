// A connected test socket: one in-process connection to a mounted socket, joining channels
// with real phx_join frames, so routing, join results, intercepts and the fastlane run
// exactly as they do behind a WebSocket.

import { AssertionError } from 'node:assert'
import { Events, type Message } from '@plume/protocol'
import type { Assigns, ChannelHandler } from '../types.js'
import type { ChannelEvents, EventsOf, JoinParams, JoinReply } from './events.js'
import { raceTimeout } from './mailbox.js'
import { show } from './match.js'
import type { CloseInfo } from './memory-socket.js'
import { BroadcastRecorder } from './recorder.js'
import { TestChannel, type WaitOptions } from './test-channel.js'
import { describeClose, type Wire } from './wire.js'

/** The outcome of {@link TestSocket.join}, like Phoenix's `{:ok, reply, socket}` / `{:error, reply}`. */
export type JoinOutcome<E extends ChannelEvents> =
  | { readonly status: 'ok'; readonly reply: JoinReply<E>; readonly channel: TestChannel<E> }
  | { readonly status: 'error'; readonly reply: unknown }

/** A successful {@link TestSocket.subscribeAndJoin}. */
export interface Joined<E extends ChannelEvents> {
  readonly reply: JoinReply<E>
  readonly channel: TestChannel<E>
}

/** What a socket needs of the harness that opened it. */
export interface SocketHost {
  readonly ready: Promise<void>
  route(topic: string): ChannelHandler | undefined
  onClose(socket: TestSocket<Assigns>): Promise<void>
}

type JoinArgs<E> = [params?: JoinParams<E>, options?: WaitOptions]

/** One client connection with typed assigns, opened by `socket()` or `connect()`. */
export class TestSocket<A extends Assigns = Assigns> {
  /** The socket id (`id(assigns)` after connect, or the one given to `socket()`). */
  readonly id: string | null
  readonly assigns: Readonly<A>
  readonly #wire: Wire
  readonly #host: SocketHost

  /** Built by the harness; tests call `socket()` or `connect()`. */
  constructor(wire: Wire, host: SocketHost, id: string | null, assigns: A) {
    this.#wire = wire
    this.#host = host
    this.id = id
    this.assigns = assigns
  }

  /** Every message the server has sent this socket, in order. */
  get received(): readonly Message[] {
    return this.#wire.mailbox.received
  }

  /** Resolves when the socket closes, by the test or by the server (drain, disconnect). */
  get closed(): Promise<CloseInfo> {
    return this.#wire.socket.closed
  }

  get isClosed(): boolean {
    return !this.#wire.socket.isOpen
  }

  /** Joins `topic` through the socket's routes; resolves with the join's reply either way. */
  join<E extends ChannelEvents = ChannelEvents>(
    topic: string,
    ...[params, options]: JoinArgs<E>
  ): Promise<JoinOutcome<E>> {
    return this.#join(topic, params, options ?? {}, undefined)
  }

  async #join<E extends ChannelEvents>(
    topic: string,
    params: object | undefined,
    options: WaitOptions,
    recorder: BroadcastRecorder | undefined,
  ): Promise<JoinOutcome<E>> {
    await this.#host.ready
    const ref = this.#wire.nextRef()
    const msg = { joinRef: ref, ref, topic, event: Events.join, payload: params ?? {} }
    void this.#wire.send(msg)
    const bound = options.timeout ?? this.#wire.timeouts.assert
    const { status, response } = (await this.#wire.reply(topic, ref, bound)).payload as {
      status: string
      response: unknown
    }
    if (status !== 'ok') return { status: 'error', reply: response }
    const channel = new TestChannel<E>(
      this.#wire,
      { topic, joinRef: ref, reply: response },
      recorder,
    )
    return { status: 'ok', reply: channel.joinReply, channel }
  }

  /**
   * Subscribes the test to `topic`'s broadcasts, then joins; throws if the join is refused.
   * Passing the channel module first checks that the topic routes to it and types the
   * channel by the events it declares.
   */
  subscribeAndJoin<E extends ChannelEvents = ChannelEvents>(
    topic: string,
    ...args: JoinArgs<E>
  ): Promise<Joined<E>>
  subscribeAndJoin<H extends object>(
    module: H,
    topic: string,
    ...args: JoinArgs<EventsOf<H>>
  ): Promise<Joined<EventsOf<H>>>
  async subscribeAndJoin(
    ...args: [string, ...JoinArgs<ChannelEvents>] | [object, string, ...JoinArgs<ChannelEvents>]
  ): Promise<Joined<ChannelEvents>> {
    const [topic, params, options] =
      typeof args[0] === 'string'
        ? (args as [string, object?, WaitOptions?])
        : this.#checkRoute(args[0], args[1] as string, args.slice(2) as JoinArgs<ChannelEvents>)
    const outcome = await this.#joinSubscribed(topic, params, options)
    if (outcome.status === 'ok') return outcome
    throw new AssertionError({
      message: `expected to join ${topic}, but the join was refused: ${show(outcome.reply)}`,
    })
  }

  /** Closes the connection as a client going away would; channels terminate with 'closed'. */
  async close(): Promise<void> {
    this.#wire.socket.closeFromClient()
    await this.#wire.socket.closed
    await this.#host.onClose(this as TestSocket<Assigns>)
  }

  /** Fails unless the server closes the socket within the bound; returns how it closed. */
  async assertClosed(options: WaitOptions = {}): Promise<CloseInfo> {
    const bound = options.timeout ?? this.#wire.timeouts.assert
    const closed = await raceTimeout(this.#wire.socket.closed, bound)
    if (closed.done) return closed.value
    throw this.#wire.mailbox.failure(`expected the socket to close within ${bound} ms`)
  }

  async #joinSubscribed(
    topic: string,
    params: object | undefined,
    options: WaitOptions | undefined,
  ): Promise<JoinOutcome<ChannelEvents>> {
    await this.#host.ready
    // Subscribed before the join, so broadcasts the join itself triggers are recorded.
    const recorder = new BroadcastRecorder().subscribe(this.#wire.pubsub, topic)
    const outcome = await this.#join(topic, params, options ?? {}, recorder)
    if (outcome.status !== 'ok') recorder.unsubscribe()
    return outcome
  }

  #checkRoute(
    module: object,
    topic: string,
    rest: JoinArgs<ChannelEvents>,
  ): [string, object?, WaitOptions?] {
    const routed = this.#host.route(topic)
    const same = routed === module || (typeof module === 'function' && routed instanceof module)
    if (routed !== undefined && !same) {
      throw new AssertionError({
        message: `expected ${topic} to route to the given channel, but it routes to another one`,
      })
    }
    return [topic, ...rest]
  }

  /** For messages in failures. */
  toString(): string {
    const info = this.#wire.socket.closeInfo
    return `TestSocket(${this.id ?? 'no id'}${info ? `, ${describeClose(info)}` : ''})`
  }
}
