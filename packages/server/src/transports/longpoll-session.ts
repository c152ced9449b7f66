// One long-poll session: a SocketLike whose outgoing frames are buffered until
// a GET collects them. A parked GET is answered as soon as data arrives, with 204 when the
// window passes, and the session expires when no GET arrives for 1.5 windows.

import type { ServerResponse } from 'node:http'
import type { Frame } from '@plume/protocol'
import type { Cancel, Scheduler } from '../time.js'
import { CloseCode, type SocketLike } from './socket-like.js'

/** Writes a long-poll JSON answer (always HTTP 200; the semantic status is in the body). */
export type Respond = (res: ServerResponse, body: Record<string, unknown>) => void

export interface SessionOptions {
  readonly token: string
  readonly windowMs: number
  readonly scheduler: Scheduler
  readonly respond: Respond
  /** Undelivered bytes at which the session ends as a slow consumer. @default Infinity */
  readonly maxOutboundBytes?: number
}

interface Parked {
  readonly res: ServerResponse
  readonly cancel: Cancel
}

export class LongPollSession implements SocketLike {
  readonly binary = false
  readonly token: string
  readonly #opts: SessionOptions
  #outbox: string[] = []
  #outboxBytes = 0
  #parked: Parked | undefined
  #closed = false
  #flushQueued = false
  #lastPoll = 0
  #onExpire: (() => void) | undefined
  #cancelExpiry: Cancel = () => {}
  #onMessage: (frame: Frame) => Promise<void> = () => Promise.resolve()
  readonly #closeHandlers: Array<() => void> = []

  constructor(opts: SessionOptions) {
    this.#opts = opts
    this.token = opts.token
  }

  /**
   * Starts the expiry clock: `onExpire` runs once no GET has arrived for 1.5 windows.
   * Separate from the constructor so the session exists (and can be refused) before any
   * timer is armed, and its owner is known when expiry can fire.
   */
  start(onExpire: () => void): void {
    if (this.#onExpire !== undefined || this.#closed) return
    this.#onExpire = onExpire
    this.#lastPoll = this.#opts.scheduler.now()
    this.#armExpiry(this.#opts.windowMs * 1.5)
  }

  get isOpen(): boolean {
    return !this.#closed
  }

  /** Characters of frames waiting for a poll. */
  get bufferedAmount(): number {
    return this.#outboxBytes
  }

  send(frame: Frame): void {
    if (this.#closed || typeof frame !== 'string') return
    this.#outbox.push(frame)
    this.#outboxBytes += frame.length
    // A client that stopped polling: end the session rather than buffer without bound.
    if (this.#outboxBytes > (this.#opts.maxOutboundBytes ?? Infinity)) {
      return this.close(CloseCode.tryAgainLater, 'slow consumer')
    }
    if (this.#parked === undefined || this.#flushQueued) return
    // Frames written in the same tick (a reply and its pushes) go out in one response.
    this.#flushQueued = true
    queueMicrotask(() => {
      this.#flushQueued = false
      const parked = this.#unpark()
      if (parked !== undefined) this.#answer(parked.res)
    })
  }

  close(code: number, _reason: string): void {
    if (this.#closed) return
    this.#closed = true
    if (code === CloseCode.tryAgainLater) {
      this.#outbox = []
      this.#outboxBytes = 0
    }
    this.#cancelExpiry()
    const parked = this.#unpark()
    if (parked !== undefined) this.#answer(parked.res)
    for (const handler of this.#closeHandlers.splice(0)) handler()
  }

  onMessage(handler: (frame: Frame) => Promise<void>): void {
    this.#onMessage = handler
  }

  onClose(handler: () => void): void {
    this.#closeHandlers.push(handler)
  }

  /** A GET: answer now if messages are waiting, else park until data or the window ends. */
  poll(res: ServerResponse): void {
    this.#lastPoll = this.#opts.scheduler.now()
    const previous = this.#unpark()
    if (previous !== undefined) this.#opts.respond(previous.res, this.#status(204))
    if (this.#closed || this.#outbox.length > 0) return this.#answer(res)
    const cancel = this.#opts.scheduler.after(this.#opts.windowMs, () => {
      if (this.#parked?.res !== res) return
      this.#parked = undefined
      this.#opts.respond(res, this.#status(204))
    })
    this.#parked = { res, cancel }
    res.once('close', () => {
      if (this.#parked?.res === res) this.#unpark()
    })
  }

  /** Hands one inbound frame to the connection; settles once it has been dispatched. */
  dispatch(frame: Frame): Promise<void> {
    return this.#onMessage(frame)
  }

  #answer(res: ServerResponse): void {
    if (this.#outbox.length > 0) {
      const messages = this.#outbox
      this.#outbox = []
      this.#outboxBytes = 0
      this.#opts.respond(res, { ...this.#status(200), messages })
    } else {
      this.#opts.respond(res, this.#closed ? { status: 410 } : this.#status(204))
    }
  }

  #unpark(): Parked | undefined {
    const parked = this.#parked
    this.#parked = undefined
    parked?.cancel()
    return parked
  }

  #status(status: number): Record<string, unknown> {
    return { status, token: this.token, messages: [] }
  }

  #armExpiry(ms: number): void {
    this.#cancelExpiry = this.#opts.scheduler.after(ms, () => {
      const limit = this.#opts.windowMs * 1.5
      const quiet = this.#opts.scheduler.now() - this.#lastPoll
      if (quiet < limit) return this.#armExpiry(limit - quiet)
      this.#onExpire?.()
    })
  }
}
