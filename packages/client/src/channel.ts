// A channel on one topic (see docs/client.md). Its state changes only through #transition, which
// refuses moves the lifecycle forbids (e.g. leaving -> errored), so a channel that is
// leaving or closed can never be scheduled to rejoin. Replies route to pushes by ref.
import { misuse } from './errors.js'
import { CLOSE, ERROR, JOIN, LEAVE, REPLY, type ChannelState } from './constants.js'
import { Push, type PushSocket } from './push.js'
import { Timer } from './timer.js'
import { DEV } from './dev.js'

/** Channel join params: a value, or a function re-evaluated on every (re)join. */
export type Params = Record<string, unknown> | (() => Record<string, unknown>)

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- untyped payloads read like phoenix.js
type AnyPayload = any

/** A binding callback: payload, message ref, join_ref. */
export type BindingCallback<TPayload = AnyPayload> = (
  payload: TPayload,
  ref?: string | null,
  joinRef?: string | null,
) => void

/** What a channel needs from its socket. */
export interface ChannelSocket extends PushSocket {
  /** Default push timeout (ms). */
  readonly timeout: number
  readonly rejoinAfterMs: (tries: number) => number
  isConnected(): boolean
  onOpen(callback: () => void): string
  onError(callback: () => void): string
  log(kind: string, msg: string, data?: unknown): void
  /** @internal Leaves another joined/joining channel of `topic` before this one (re)joins. */
  leaveOpenTopic(topic: string, except?: Channel): void
  /** Unregisters a closed channel. */
  remove(channel: Channel): void
}

// The lifecycle's moves: a leaving channel can only finish closing; only a joining channel
// can become joined; a closed channel cannot error. Everything else is allowed (a rule
// rather than a table, which keeps the browser bundle small).
const allowed = (from: ChannelState, to: ChannelState): boolean =>
  from === 'leaving'
    ? to === 'leaving' || to === 'closed'
    : (to !== 'joined' || from === 'joining') && !(from === 'closed' && to === 'errored')

/** A topic subscription over a Socket: join, push, receive, leave. */
export class Channel {
  /** Current lifecycle state; change it only through #transition. */
  state: ChannelState = 'closed'
  /** Evaluated on every join push. */
  readonly params: () => Record<string, unknown>
  /** Event bindings in registration order. */
  bindings: Array<{ event: string; ref: number; callback: BindingCallback }> = []
  /** Default push timeout (ms), inherited from the socket. */
  timeout: number
  /** Set by the first `join()`. */
  joinedOnce = false
  /** The join push; its ref is the channel's join_ref. */
  readonly joinPush: Push
  /** Pushes waiting for the join. */
  pushBuffer: Push[] = []
  /** Rejoin backoff (`rejoinAfterMs`). */
  readonly rejoinTimer: Timer
  /** Socket callback refs owned by this channel, released on removal. */
  readonly stateChangeRefs: string[] = []
  #bindingRef = 0

  constructor(
    readonly topic: string,
    params: Params | undefined,
    readonly socket: ChannelSocket,
  ) {
    this.params = typeof params === 'function' ? params : () => params ?? {}
    this.timeout = socket.timeout
    this.joinPush = new Push(this, JOIN, this.params, this.timeout)
    this.rejoinTimer = new Timer(
      () => {
        if (this.socket.isConnected()) this.rejoin()
      },
      socket.rejoinAfterMs,
      socket.scheduler,
    )
    this.#wireSocket()
    this.#wireJoinPush()
    // Replies reach their push as `chan_reply_<ref>` events, as in phoenix.js's Channel.
    this.on(REPLY, (payload, ref) => this.trigger(this.replyEventName(ref ?? null), payload))
  }

  /** The event a reply to `ref` is triggered as; its push listens for it. */
  replyEventName(ref: string | null): string {
    return `chan_reply_${ref}`
  }

  #wireSocket(): void {
    this.stateChangeRefs.push(
      this.socket.onError(() => this.rejoinTimer.reset()),
      this.socket.onOpen(() => {
        this.rejoinTimer.reset()
        if (this.isErrored()) this.rejoin()
      }),
    )
  }

  #wireJoinPush(): void {
    this.joinPush
      .receive('ok', () => {
        if (!this.#transition('joined')) return
        this.rejoinTimer.reset()
        for (const push of this.pushBuffer) push.send()
        this.pushBuffer = []
      })
      .receive('error', () => {
        if (this.#transition('errored')) this.#scheduleRejoin()
      })
      .receive('timeout', () => {
        this.socket.log('channel', DEV ? `timeout ${this.topic} (${this.joinRef()})` : 'timeout')
        new Push(this, LEAVE, () => ({}), this.timeout).send()
        const moved = this.#transition('errored')
        this.joinPush.reset()
        if (moved) this.#scheduleRejoin()
      })
  }

  #transition(to: ChannelState): boolean {
    if (!allowed(this.state, to)) {
      this.socket.log(
        'channel',
        DEV ? `ignored ${this.state} -> ${to} on ${this.topic}` : 'dropped',
      )
      return false
    }
    this.state = to
    return true
  }

  #scheduleRejoin(): void {
    if (this.socket.isConnected()) this.rejoinTimer.scheduleTimeout()
  }

  /** Joins the topic; callable once per instance. Returns the join push. */
  join(timeout: number = this.timeout): Push {
    if (this.joinedOnce) {
      throw misuse('JOIN_TWICE')
    }
    this.timeout = timeout
    this.joinedOnce = true
    this.#join(timeout)
    return this.joinPush
  }

  /** Registers a callback for `phx_close`. */
  onClose(callback: BindingCallback): number {
    return this.on(CLOSE, callback)
  }

  /**
   * Registers a callback for `phx_error`. A transport failure passes
   * `{ source: "transport", reason }` (reason `"connection_closed"`, `"connection_error"` or
   * `"heartbeat_timeout"`), as phoenix.js 1.8 does; a server-sent error passes its payload.
   */
  onError(callback: (reason: AnyPayload) => void): number {
    return this.on(ERROR, (reason: unknown) => callback(reason))
  }

  /** Registers a callback for `event`; returns a ref for `off`. */
  on<TPayload = AnyPayload>(event: string, callback: BindingCallback<TPayload>): number {
    const ref = this.#bindingRef++
    this.bindings.push({ event, ref, callback: callback as BindingCallback })
    return ref
  }

  /** Removes the bindings of `event`, or only the one with `ref`. */
  off(event: string, ref?: number): void {
    this.bindings = this.bindings.filter(
      (b) => !(b.event === event && (ref === undefined || ref === b.ref)),
    )
  }

  /** True when the socket is connected and the channel joined. */
  canPush(): boolean {
    return this.socket.isConnected() && this.isJoined()
  }

  /** Pushes an event; buffered (with its timeout running) until the channel is joined. */
  push(event: string, payload: unknown = {}, timeout: number = this.timeout): Push {
    if (!this.joinedOnce) {
      throw misuse('PUSH_BEFORE_JOIN', event, this.topic)
    }
    const push = new Push(this, event, () => payload ?? {}, timeout)
    if (this.canPush()) {
      push.send()
    } else {
      push.startTimeout()
      this.pushBuffer.push(push)
    }
    return push
  }

  /** Leaves the topic; the channel closes locally right away and is never rejoined. */
  leave(timeout: number = this.timeout): Push {
    this.rejoinTimer.reset()
    this.joinPush.cancelTimeout()
    this.#transition('leaving')
    const onClose = (): void => {
      this.socket.log('channel', DEV ? `leave ${this.topic}` : 'leave')
      this.trigger(CLOSE, 'leave')
    }
    const leavePush = new Push(this, LEAVE, () => ({}), timeout)
    leavePush.receive('ok', onClose).receive('timeout', onClose)
    leavePush.send()
    if (!this.canPush()) leavePush.trigger('ok', {})
    return leavePush
  }

  /** Overridable hook run on every inbound message; must return the payload. */
  onMessage(
    _event: string,
    payload: unknown,
    _ref?: string | null,
    _joinRef?: string | null,
  ): unknown {
    return payload
  }

  /** True if a message belongs to this channel instance (stale join_refs are dropped). */
  isMember(topic: string, event: string, payload: unknown, joinRef: string | null): boolean {
    if (this.topic !== topic) return false
    if (joinRef && joinRef !== this.joinRef()) {
      const msg = DEV ? 'dropping outdated message' : 'dropped'
      this.socket.log('channel', msg, { topic, event, payload, joinRef })
      return false
    }
    return true
  }

  /** The ref of the current join push. */
  joinRef(): string | null {
    return this.joinPush.ref
  }

  /** Sends the join again with a fresh join_ref (no-op once leaving or closed). */
  rejoin(timeout: number = this.timeout): void {
    if (this.isLeaving() || this.isClosed()) return
    this.#join(timeout)
  }

  #join(timeout: number): void {
    this.socket.leaveOpenTopic(this.topic, this)
    this.#transition('joining')
    this.joinPush.resend(timeout)
  }

  /** Dispatches an inbound event: internal handling first, then the bindings. */
  trigger(event: string, payload?: unknown, ref?: string | null, joinRef?: string | null): void {
    const handled = this.onMessage(event, payload, ref, joinRef)
    if (payload && !handled) {
      throw misuse('BAD_ON_MESSAGE')
    }
    this.#handleInternal(event, handled)
    for (const bind of this.bindings.filter((b) => b.event === event)) {
      bind.callback(handled, ref, joinRef ?? this.joinRef())
    }
  }

  #handleInternal(event: string, payload: unknown): void {
    if (event === CLOSE) {
      this.rejoinTimer.reset()
      this.socket.log('channel', DEV ? `close ${this.topic} ${this.joinRef()}` : 'close')
      this.#transition('closed')
      this.socket.remove(this)
    } else if (event === ERROR) {
      this.socket.log('channel', DEV ? `error ${this.topic}` : 'error', payload)
      if (this.isJoining()) this.joinPush.reset()
      if (this.#transition('errored')) this.#scheduleRejoin()
    }
  }

  isClosed(): boolean {
    return this.state === 'closed'
  }
  isErrored(): boolean {
    return this.state === 'errored'
  }
  isJoined(): boolean {
    return this.state === 'joined'
  }
  isJoining(): boolean {
    return this.state === 'joining'
  }
  isLeaving(): boolean {
    return this.state === 'leaving'
  }
}
