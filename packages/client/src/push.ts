// One outgoing message awaiting a reply. A push gets a fresh ref each time it is sent and
// listens on its channel for the event `chan_reply_<ref>`, which the channel triggers for the
// matching phx_reply (as phoenix.js's Push does); or the timeout fires a synthetic "timeout"
// reply. Hooks registered after the reply arrived fire at once.
import type { Cancel, Scheduler } from './scheduler.js'
import type { SocketMessage } from './serializer.js'

/** A reply as it reaches `receive` hooks. */
export interface ReplyPayload<TResponse = unknown> {
  status: string
  response: TResponse
}

/** Reply statuses a push can settle to; servers may send other strings too. */
export type PushStatus = 'ok' | 'error' | 'timeout' | (string & {})

/** What a push needs from the socket under its channel. */
export interface PushSocket {
  readonly scheduler: Scheduler
  makeRef(): string
  push(data: SocketMessage, channel?: PushChannel): void
}

/** What a push needs from its channel. */
export interface PushChannel {
  readonly topic: string
  readonly socket: PushSocket
  joinRef(): string | null
  isClosed(): boolean
  /** The channel event a reply to `ref` is triggered as. */
  replyEventName(ref: string | null): string
  on(event: string, callback: (payload: never) => void): number
  off(event: string, ref?: number): void
  trigger(event: string, payload?: unknown): void
}

/** An outgoing message and its reply hooks. */
// eslint-disable-next-line @typescript-eslint/no-explicit-any -- untyped replies read like phoenix.js
export class Push<TResponse = any> {
  /** The ref of the last send, or null when not sent. */
  ref: string | null = null
  /** phoenix.js compatibility: the channel event its reply arrives as (`chan_reply_<ref>`). */
  refEvent: string | null = null
  /** The reply (or synthetic timeout) received for the current ref. */
  receivedResp: ReplyPayload<TResponse> | null = null
  /** True once `send` put the message on the socket. */
  sent = false
  /** phoenix.js compatibility: the `receive` hooks, in registration order. */
  recHooks: Array<{ status: string; callback: (response: TResponse) => void }> = []
  /** phoenix.js compatibility: cancels the armed reply timeout; null when none is armed. */
  timeoutTimer: Cancel | null = null

  constructor(
    readonly channel: PushChannel,
    readonly event: string,
    public payload: () => unknown,
    public timeout: number,
  ) {}

  /** Resets the push and sends it again with a new ref. */
  resend(timeout: number): void {
    this.timeout = timeout
    this.reset()
    this.send()
  }

  /** Sends the push (unless it already timed out), arming its reply timeout. */
  send(): void {
    if (this.hasReceived('timeout')) return
    this.startTimeout()
    this.sent = true
    const { topic, socket } = this.channel
    const message = {
      topic,
      event: this.event,
      payload: this.payload(),
      ref: this.ref,
      join_ref: this.channel.joinRef(),
    }
    socket.push(message, this.channel)
  }

  /** Registers `callback` for a reply `status`; fires at once if that reply already came. */
  receive(status: PushStatus, callback: (response: TResponse) => void): this {
    if (this.receivedResp && this.hasReceived(status)) callback(this.receivedResp.response)
    this.recHooks.push({ status, callback })
    return this
  }

  /** Forgets the ref and the reply so the push can be sent again. */
  reset(): void {
    this.cancelRefEvent()
    this.ref = null
    this.refEvent = null
    this.receivedResp = null
    this.sent = false
  }

  /** Stops listening for a reply to the current ref. */
  cancelRefEvent(): void {
    if (this.refEvent) this.channel.off(this.refEvent)
  }

  /** Cancels the reply timeout. */
  cancelTimeout(): void {
    this.timeoutTimer?.()
    this.timeoutTimer = null
  }

  /** Takes a new ref, listens for its reply and arms the timeout. */
  startTimeout(): void {
    this.cancelTimeout()
    this.cancelRefEvent()
    const { channel } = this
    this.ref = channel.socket.makeRef()
    this.refEvent = channel.replyEventName(this.ref)
    channel.on(this.refEvent, (reply: ReplyPayload<TResponse>) => {
      this.cancelRefEvent()
      this.cancelTimeout()
      this.receivedResp = reply
      for (const h of this.recHooks.filter((h) => h.status === reply.status))
        h.callback(reply.response)
    })
    const delay = this.timeout
    this.timeoutTimer = channel.socket.scheduler.after(delay, () => this.trigger('timeout', {}))
  }

  /** True if the current reply has `status`. */
  hasReceived(status: string): boolean {
    return this.receivedResp?.status === status
  }

  /** Delivers a reply to this push as if the server sent it. */
  trigger(status: string, response: unknown): void {
    if (this.refEvent) this.channel.trigger(this.refEvent, { status, response })
  }
}
