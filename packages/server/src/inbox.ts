// A connection's inbound queue: frames are handled one at a time in arrival order, and the
// queue is bounded. At `highWater` waiting frames the socket stops being read (it resumes
// once the queue is empty); past `max` the owner is told to give up on the connection.

import type { SocketLike } from './transports/socket-like.js'

export interface InboxOptions {
  readonly highWater: number
  readonly max: number
  readonly onOverflow: () => void
  readonly onError: (error: unknown) => void
}

export class Inbox {
  readonly #socket: SocketLike
  readonly #opts: InboxOptions
  #tail: Promise<void> = Promise.resolve()
  #size = 0

  constructor(socket: SocketLike, opts: InboxOptions) {
    this.#socket = socket
    this.#opts = opts
  }

  /** Frames queued or being handled. */
  get size(): number {
    return this.#size
  }

  /** Queues `task`; settles once it has run (its errors go to `onError`). */
  push(task: () => Promise<void> | void): Promise<void> {
    if (++this.#size > this.#opts.max) this.#opts.onOverflow()
    if (this.#size === this.#opts.highWater) this.#socket.pause?.()
    this.#tail = this.#tail
      .then(task)
      .catch(this.#opts.onError)
      .finally(() => {
        if (--this.#size === 0) this.#socket.resume?.()
      })
    return this.#tail
  }
}
