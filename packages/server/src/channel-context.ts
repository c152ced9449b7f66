// The `ch` object every channel callback receives. A thin facade: state and ordering live
// in Channel; broadcasts go through the fastlane dispatcher of the endpoint's PubSub and
// never reject (a failed remote publish is logged, so fire-and-forget calls are safe).

import type { ChannelHost } from './channel-host.js'
import { broadcastMessage, FASTLANE_DISPATCHER } from './fastlane.js'
import type { Payload, StopReason } from './results.js'
import type {
  Assigns,
  ChannelContext,
  ChannelEndpoint,
  ReplyRef,
  TerminateReason,
  TransportName,
} from './types.js'
import { assertPayload } from './validate.js'

/** What the context forwards to the channel actor it fronts (the Channel implements it). */
export interface ContextChannel {
  readonly topic: string
  readonly joinRef: string
  readonly ownerId: string
  push(event: string, payload: Payload): void
  handleInfo(message: unknown): void
  captureReply(): ReplyRef
  reply(ref: ReplyRef, status: string, response: Payload): void
  requestStop(reason: StopReason): void
  onTerminate(fn: (reason: TerminateReason) => void): () => void
  subscribe(topic: string): () => void
}

export class ChannelContextImpl implements ChannelContext {
  readonly #channel: ContextChannel
  readonly #host: ChannelHost
  readonly #assigns: Assigns

  constructor(channel: ContextChannel, host: ChannelHost, assigns: Assigns) {
    this.#channel = channel
    this.#host = host
    this.#assigns = assigns
  }

  get topic(): string {
    return this.#channel.topic
  }
  get joinRef(): string {
    return this.#channel.joinRef
  }
  get ownerId(): string {
    return this.#channel.ownerId
  }
  get assigns(): Readonly<Assigns> {
    return this.#assigns
  }
  get socketId(): string | null {
    return this.#host.socketId
  }
  /** Counts one presence track/update against the connection's budget (used by Presence). */
  admitPresenceUpdate(): boolean {
    return this.#host.admitPresenceUpdate?.() ?? true
  }
  get transport(): TransportName {
    return this.#host.transport
  }
  get endpoint(): ChannelEndpoint {
    return this.#host.endpoint
  }

  assign(key: string, value: unknown): void {
    this.#assigns[key] = value
  }

  push(event: string, payload: Payload): void {
    this.#channel.push(event, payload)
  }

  broadcast(event: string, payload: Payload): Promise<void> {
    assertPayload(payload, 'broadcast')
    const msg = broadcastMessage(this.topic, event, payload)
    return this.#guard(
      this.#host.pubsub.broadcast(this.topic, msg, { dispatcher: FASTLANE_DISPATCHER }),
      event,
    )
  }

  broadcastFrom(event: string, payload: Payload): Promise<void> {
    assertPayload(payload, 'broadcast')
    const msg = broadcastMessage(this.topic, event, payload)
    const sent = this.#host.pubsub.broadcastFrom(this.ownerId, this.topic, msg, {
      dispatcher: FASTLANE_DISPATCHER,
    })
    return this.#guard(sent, event)
  }

  localBroadcast(event: string, payload: Payload): void {
    assertPayload(payload, 'broadcast')
    const msg = broadcastMessage(this.topic, event, payload)
    this.#host.pubsub.localBroadcast(this.topic, msg, { dispatcher: FASTLANE_DISPATCHER })
  }

  send(message: unknown): void {
    this.#channel.handleInfo(message)
  }

  captureReply(): ReplyRef {
    return this.#channel.captureReply()
  }

  reply(ref: ReplyRef, status: string, response: Payload = {}): void {
    this.#channel.reply(ref, status, response)
  }

  stop(reason: StopReason = 'normal'): void {
    this.#channel.requestStop(reason)
  }

  onTerminate(fn: (reason: TerminateReason) => void): () => void {
    return this.#channel.onTerminate(fn)
  }

  subscribe(topic: string): () => void {
    return this.#channel.subscribe(topic)
  }

  #guard(sent: Promise<void>, event: string): Promise<void> {
    return sent.catch((error: unknown) => {
      this.#host.logger.error('plume: broadcast failed', { topic: this.topic, event, error })
    })
  }
}
