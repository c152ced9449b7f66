// A `ws` socket adapted to SocketLike, with the server-side idle timeout: a connection that
// sends no frame for `timeout` ms is closed with 1001. The clock starts at start(), once a
// connection owns the socket. Outbound data the peer does not read is bounded: once `ws`
// holds more than maxOutboundBytes for it, the socket is closed with 1013 and, after a short
// grace for the close frame, destroyed so its buffers are freed (1008 closes too).

import type { Frame } from '@plume/protocol'
import { WebSocket, type RawData } from 'ws'
import type { Cancel, Scheduler } from '../time.js'
import type { Logger } from '../types.js'
import { CloseCode, type SocketLike } from './socket-like.js'

function toFrame(data: RawData, isBinary: boolean): Frame {
  const buf = Array.isArray(data)
    ? Buffer.concat(data)
    : Buffer.isBuffer(data)
      ? data
      : Buffer.from(data)
  return isBinary
    ? new Uint8Array(buf.buffer, buf.byteOffset, buf.byteLength)
    : buf.toString('utf8')
}

/** What a WsSocket is created with. */
export interface WsSocketOptions {
  readonly timeout: number
  readonly scheduler: Scheduler
  readonly logger: Logger
  /** Unsent bytes (`bufferedAmount`) that make the peer a slow consumer. @default Infinity */
  readonly maxOutboundBytes?: number
}

/** How long a socket closed with 1008 or 1013 may hold its close frame before it is destroyed. */
export const ABUSER_GRACE_MS = 2000

/** `ws` adapted to SocketLike, with the idle timeout. */
export class WsSocket implements SocketLike {
  readonly binary = true
  readonly #ws: WebSocket
  readonly #opts: WsSocketOptions
  // Created with its first handler: an empty array grown by push reserves 17 slots.
  #closeHandlers: Array<() => void> | undefined
  #closed = false
  #lastSeen = 0
  #started = false
  #cancelIdle: Cancel = () => {}

  constructor(ws: WebSocket, opts: WsSocketOptions) {
    this.#ws = ws
    this.#opts = opts
    // Listeners at once: an unheard 'error' would be thrown by the EventEmitter.
    ws.on('error', (error) => opts.logger.warn('plume: websocket error', { error }))
    ws.on('close', () => this.#fireClose())
  }

  /** Starts the idle clock (no-op once started or closed). */
  start(): void {
    if (this.#started || this.#closed) return
    this.#started = true
    this.#lastSeen = this.#opts.scheduler.now()
    this.#armIdle(this.#opts.timeout)
  }

  get isOpen(): boolean {
    return !this.#closed && this.#ws.readyState === WebSocket.OPEN
  }

  send(frame: Frame): void {
    if (!this.isOpen) return
    this.#ws.send(frame, { binary: typeof frame !== 'string' })
    if (this.#ws.bufferedAmount > (this.#opts.maxOutboundBytes ?? Infinity)) this.#slowConsumer()
  }

  /** Unsent bytes held for this peer. */
  get bufferedAmount(): number {
    return this.#ws.bufferedAmount
  }

  pause(): void {
    this.#ws.pause()
  }

  resume(): void {
    this.#ws.resume()
  }

  close(code: number, reason: string): void {
    if (this.#ws.readyState === WebSocket.OPEN || this.#ws.readyState === WebSocket.CONNECTING) {
      this.#ws.close(code, reason)
      // An abusive peer may never read our close frame: stop reading what it keeps sending
      // (a flooder would otherwise cost a core until the end), and free its socket soon.
      if (code === CloseCode.policyViolation || code === CloseCode.tryAgainLater) {
        this.#ws.pause()
        this.#opts.scheduler.after(ABUSER_GRACE_MS, () => this.#ws.terminate())
      }
    }
    this.#fireClose()
  }

  onMessage(handler: (frame: Frame) => Promise<void>): void {
    this.#ws.on('message', (data, isBinary) => {
      // Frames of a chunk read before the close are dropped, not handled.
      if (this.#closed) return
      this.#lastSeen = this.#opts.scheduler.now()
      void handler(toFrame(data, isBinary))
    })
  }

  onClose(handler: () => void): void {
    if (this.#closeHandlers === undefined) this.#closeHandlers = [handler]
    else this.#closeHandlers.push(handler)
  }

  #armIdle(ms: number): void {
    this.#cancelIdle = this.#opts.scheduler.after(ms, () => {
      const idle = this.#opts.scheduler.now() - this.#lastSeen
      if (idle < this.#opts.timeout) return this.#armIdle(this.#opts.timeout - idle)
      this.#opts.logger.info('plume: websocket idle timeout', { timeout: this.#opts.timeout })
      this.close(CloseCode.goingAway, 'idle timeout')
    })
  }

  #slowConsumer(): void {
    this.#opts.logger.warn('plume: slow consumer; closing', {
      buffered: this.#ws.bufferedAmount,
      max: this.#opts.maxOutboundBytes,
    })
    this.close(CloseCode.tryAgainLater, 'slow consumer')
  }

  #fireClose(): void {
    if (this.#closed) return
    this.#closed = true
    this.#cancelIdle()
    const handlers = this.#closeHandlers ?? []
    this.#closeHandlers = undefined
    for (const handler of handlers) handler()
  }
}
