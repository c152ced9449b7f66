// The transport-agnostic core of one client connection: decodes frames, answers
// heartbeats, routes joins to new channels and other events to the live channel of their
// topic (dropping stale join_refs), and writes replies, pushes and phx_close/phx_error.
// Frames are handled one at a time; a join blocks the next frame until its reply is out.
// The wire format and these rules are described in docs/protocol.md.

import {
  Events,
  PHOENIX_TOPIC,
  replyMessage,
  type Frame,
  type Message,
  type ServerSerializer,
} from '@plume/protocol'
import type { PubSub, Subscription } from '@plume/pubsub'
import type { Scheduler } from './time.js'
import { Channel } from './channel.js'
import type { ChannelHost, ExitedChannel, ExitSignal } from './channel-host.js'
import {
  admitMessage,
  answerBadFrame,
  joinLimitHit,
  replaceExisting,
  routeJoin,
} from './connection-steps.js'
import { checkDecoded } from './frame-errors.js'
import { Inbox } from './inbox.js'
import { ConnectionGuard } from './limits/connection-guard.js'
import { DEFAULT_LIMITS } from './limits/options.js'
import { KeyedCounter } from './limits/rate.js'
import type { Router } from './routes.js'
import { frameReceived, frameSent, publishConnect, publishDisconnect } from './events.js'
import { publishFrame, publishLimit } from './events.js'
import { onDisconnectBroadcast } from './socket-id.js'
import { CloseCode, type SocketLike } from './transports/socket-like.js'
import type { Assigns, ChannelEndpoint, Logger, TerminateReason, TransportName } from './types.js'

export interface ConnectionInit {
  readonly socket: SocketLike
  readonly transport: TransportName
  readonly serializer: ServerSerializer
  readonly assigns: Assigns
  readonly socketId: string | null
  readonly router: Router
  readonly endpoint: ChannelEndpoint
  readonly pubsub: PubSub
  readonly scheduler: Scheduler
  readonly logger: Logger
  readonly onClosed: (connection: Connection) => void
}

let nextConnectionId = 0

export class Connection implements ChannelHost {
  readonly id = ++nextConnectionId
  readonly transport: TransportName
  readonly serializer: ServerSerializer
  readonly socketId: string | null
  readonly endpoint: ChannelEndpoint
  readonly pubsub: PubSub
  readonly logger: Logger
  readonly #init: ConnectionInit
  readonly #socket: SocketLike
  readonly #channels = new Map<string, Channel>()
  readonly #guard: ConnectionGuard
  readonly #inbox: Inbox
  #closed = false
  #seq = 0
  #socketIdSub: Subscription | undefined

  constructor(init: ConnectionInit) {
    this.#init = init
    this.#socket = init.socket
    this.transport = init.transport
    this.serializer = init.serializer
    this.socketId = init.socketId
    this.endpoint = init.endpoint
    this.pubsub = init.pubsub
    this.logger = init.logger
    const { limits = DEFAULT_LIMITS, members = new KeyedCounter() } = init.router
    this.#guard = new ConnectionGuard(limits, members, this.#now())
    this.#inbox = new Inbox(init.socket, {
      highWater: limits.inboxHighWater,
      max: limits.maxInbox,
      onOverflow: () => this.#giveUp('inbox full'),
      onError: (error) => this.logger.error('plume: frame handling failed', { error }),
    })
    this.#wire()
    publishConnect(this)
  }

  get nodeName(): string {
    return this.pubsub.nodeName
  }

  get isClosed(): boolean {
    return this.#closed
  }

  /** Number of live channels. */
  get channelCount(): number {
    return this.#channels.size
  }

  /**
   * Queues one inbound frame; settles once it has been dispatched (joins: replied). The
   * socket stops being read while `inboxHighWater` frames wait; `maxInbox` closes with 1013.
   */
  handleFrame(frame: Frame): Promise<void> {
    publishFrame(frameReceived, this, frame)
    return this.#inbox.push(() => this.#process(frame))
  }

  /** Counts one presence track/update against `presenceUpdatesPerWindow`. */
  admitPresenceUpdate(): boolean {
    return this.#guard.admitPresenceUpdate(this.#now())
  }

  get maxMailbox(): number {
    return this.#guard.limits.maxMailbox
  }

  /** A broadcast found a mailbox full: this client cannot keep up, like a slow consumer. */
  overloaded(topic: string): void {
    this.#giveUp('channel mailbox full', topic)
  }

  /** Ends the connection: channels terminate with `reason`, the transport closes with `code`. */
  close(code: number, closeReason: string, reason: TerminateReason): void {
    this.#teardown(reason)
    this.#socket.close(code, closeReason)
  }

  // ---- ChannelHost ----

  write(message: Message): void {
    if (!this.#socket.isOpen) return
    let frame: Frame
    try {
      frame = this.serializer.encode(message)
    } catch (error) {
      this.logger.error('plume: message cannot be encoded; dropped', {
        topic: message.topic,
        event: message.event,
        error,
      })
      return
    }
    this.writeFrame(frame)
  }

  writeFrame(frame: Frame): void {
    if (!this.#socket.isOpen) return
    if (typeof frame !== 'string' && !this.#socket.binary) {
      this.logger.error('plume: binary frames cannot be sent over long-poll; dropped', {
        connection: this.id,
      })
      return
    }
    publishFrame(frameSent, this, frame)
    this.#socket.send(frame)
  }

  channelExited(channel: ExitedChannel, signal: ExitSignal): void {
    if (this.#channels.get(channel.topic) === channel) this.#channels.delete(channel.topic)
    this.#guard.left(channel)
    if (signal === 'none') return
    const event = signal === 'close' ? Events.close : Events.error
    const payload = signal === 'close' ? {} : { reason: 'channel_crash' }
    this.write({
      joinRef: channel.joinRef,
      ref: channel.joinRef,
      topic: channel.topic,
      event,
      payload,
    })
  }

  // ---- internals ----

  #wire(): void {
    this.#socket.onMessage((frame) => this.handleFrame(frame))
    this.#socket.onClose(() => this.#teardown('closed'))
    if (this.socketId === null) return
    this.#socketIdSub = onDisconnectBroadcast(this.pubsub, this.socketId, this.id, () => {
      this.logger.info('plume: socket disconnected by broadcast', { socketId: this.socketId })
      this.close(CloseCode.goingAway, 'disconnected', 'disconnected')
    })
  }

  async #process(frame: Frame): Promise<void> {
    if (this.#closed) return
    let msg: Message
    try {
      msg = checkDecoded(this.serializer.decode(frame))
    } catch (error) {
      return answerBadFrame(this, frame, error)
    }
    if (!admitMessage(this, this.#guard, msg, this.#now())) return
    if (msg.topic === PHOENIX_TOPIC && msg.event === Events.heartbeat) {
      this.write(replyMessage(null, msg.ref, PHOENIX_TOPIC, 'ok', {}))
      return
    }
    const { turns } = this.#init.router
    await (turns === undefined ? this.#dispatch(msg) : turns.run(() => this.#dispatch(msg)))
  }

  async #dispatch(msg: Message): Promise<void> {
    if (this.#closed) return
    if (msg.event === Events.join) await this.#join(msg)
    else this.#route(msg)
  }

  /** Closes with 1013: the client sends or receives more than this server can queue for it. */
  #giveUp(reason: string, topic?: string): void {
    this.logger.warn(`plume: ${reason}; closing`, { connection: this.id, topic })
    this.close(CloseCode.tryAgainLater, reason, 'closed')
  }

  #now(): number {
    return this.#init.scheduler.now()
  }

  async #join(msg: Message): Promise<void> {
    const { topic } = msg
    const joinRef = msg.joinRef ?? msg.ref ?? ''
    const refuse = (jr: string | null, reason: string): void =>
      this.write(replyMessage(jr, msg.ref, topic, 'error', { reason }))
    const handler = routeJoin(this, this.#init.router, msg, joinRef, refuse)
    if (handler === undefined) return
    const existing = this.#channels.get(topic)
    const replaced = await replaceExisting(existing, this.#init.scheduler, this.logger)
    if (this.#closed) return
    const full = this.#channels.size >= this.#init.router.maxChannels
    const refusal = full ? 'too many channels joined' : this.#guard.checkJoin(topic, this.#now())
    if (refusal !== undefined) {
      this.logger.warn('plume: join refused by a limit', { topic, reason: refusal })
      refuse(joinRef, refusal)
      publishLimit(
        this,
        ...joinLimitHit(this.#guard.limits, this.#init.router, full, refusal),
        topic,
      )
    } else {
      const ownerId = `${this.nodeName}:${this.id}:${++this.#seq}`
      const init = { host: this, topic, joinRef, handler, assigns: this.#init.assigns, ownerId }
      const channel = new Channel(init)
      this.#channels.set(topic, channel)
      this.#guard.joined(channel, topic)
      await channel.join(msg.payload as Record<string, unknown>)
    }
    if (replaced !== undefined) {
      this.write({ joinRef: replaced, ref: replaced, topic, event: Events.close, payload: {} })
    }
  }

  #route(msg: Message): void {
    const channel = this.#channels.get(msg.topic)
    if (channel === undefined) {
      if (msg.event === Events.leave) {
        this.write(replyMessage(msg.joinRef, msg.ref, msg.topic, 'ok', {}))
      } else {
        this.logger.warn('plume: event on an unmatched topic', {
          topic: msg.topic,
          event: msg.event,
        })
        this.write(replyMessage(null, msg.ref, msg.topic, 'error', { reason: 'unmatched topic' }))
      }
      return
    }
    if (msg.joinRef !== null && msg.joinRef !== channel.joinRef) {
      this.logger.debug('plume: stale join_ref; dropped', {
        topic: msg.topic,
        joinRef: msg.joinRef,
      })
      return
    }
    channel.deliver(msg)
  }

  #teardown(reason: TerminateReason): void {
    if (this.#closed) return
    this.#closed = true
    publishDisconnect(this, reason)
    this.#socketIdSub?.unsubscribe()
    for (const channel of [...this.#channels.values()]) void channel.exit(reason, 'none')
    this.#channels.clear()
    this.#guard.leaveAll()
    this.#init.onClosed(this)
  }
}
