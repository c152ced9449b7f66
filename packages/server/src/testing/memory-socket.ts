// The in-process transport: a SocketLike whose "wire" is a function call. The connection
// core writes frames to it exactly as it writes to a WebSocket, and the test side feeds it
// encoded client frames, so every byte still goes through the negotiated serializer.

import type { Frame } from '@plume/protocol'
import type { SocketLike } from '../transports/socket-like.js'

/** How and by whom an in-process socket was closed. */
export interface CloseInfo {
  readonly code: number
  readonly reason: string
  /** `client`: the test closed it; `server`: the endpoint did (drain, disconnect, bad frame). */
  readonly by: 'client' | 'server'
}

export class MemorySocket implements SocketLike {
  readonly binary = true
  readonly closed: Promise<CloseInfo>
  readonly #receive: (frame: Frame) => void
  readonly #closeHandlers: Array<() => void> = []
  #onMessage: ((frame: Frame) => Promise<void>) | undefined
  #closeInfo: CloseInfo | undefined
  #resolveClosed: (info: CloseInfo) => void = () => {}

  /** `receive` gets every frame the server sends. */
  constructor(receive: (frame: Frame) => void) {
    this.#receive = receive
    this.closed = new Promise((resolve) => (this.#resolveClosed = resolve))
  }

  get isOpen(): boolean {
    return this.#closeInfo === undefined
  }

  get closeInfo(): CloseInfo | undefined {
    return this.#closeInfo
  }

  send(frame: Frame): void {
    if (this.isOpen) this.#receive(frame)
  }

  close(code: number, reason: string): void {
    this.#end({ code, reason, by: 'server' })
  }

  onMessage(handler: (frame: Frame) => Promise<void>): void {
    this.#onMessage = handler
  }

  onClose(handler: () => void): void {
    this.#closeHandlers.push(handler)
  }

  /** Client → server: settles once the connection has dispatched the frame (joins: replied). */
  deliver(frame: Frame): Promise<void> {
    if (!this.isOpen || this.#onMessage === undefined) return Promise.resolve()
    return this.#onMessage(frame)
  }

  /** The client goes away, as a browser closing its WebSocket would. */
  closeFromClient(code = 1000, reason = 'closed by the test'): void {
    this.#end({ code, reason, by: 'client' })
  }

  #end(info: CloseInfo): void {
    if (this.#closeInfo !== undefined) return
    this.#closeInfo = info
    this.#resolveClosed(info)
    for (const handler of this.#closeHandlers.splice(0)) handler()
  }
}
