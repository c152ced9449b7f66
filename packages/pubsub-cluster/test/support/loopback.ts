// An in-process stand-in for the primary: WorkerChannels wired to a real Router, delivering
// asynchronously and in order like the IPC channel. For adapter behaviour that needs no
// real processes (handshake, refusals, limits); forked workers are tested elsewhere.

import { Router } from '../../src/router.js'
import { asFromWorker, type ToWorker } from '../../src/wire.js'
import type { WorkerChannel } from '@plume/pubsub-cluster'

export class Loopback {
  readonly router = new Router()
  /** Everything each worker sent, raw, in order. */
  readonly sent = new Map<number, unknown[]>()
  readonly #listeners = new Map<number, Set<(m: unknown) => void>>()

  /** The channel of worker `id`. */
  channel(id: number): WorkerChannel {
    const listeners = new Set<(m: unknown) => void>()
    this.#listeners.set(id, listeners)
    this.sent.set(id, [])
    return {
      send: (message, done) => {
        this.sent.get(id)?.push(message)
        setImmediate(() => {
          const msg = asFromWorker(message)
          if (msg !== undefined) this.#route(this.router.receive(id, msg))
          done(null)
        })
      },
      subscribe: (listener) => {
        listeners.add(listener)
        return () => listeners.delete(listener)
      },
    }
  }

  /** Worker `id` died: the router forgets it. */
  exit(id: number): void {
    this.#route(this.router.exited(id))
  }

  /** Delivers a raw message to worker `id` as if the primary sent it. */
  inject(id: number, message: unknown): void {
    for (const l of this.#listeners.get(id) ?? []) l(message)
  }

  #route(out: ReadonlyArray<{ worker: number; msg: ToWorker }>): void {
    for (const { worker, msg } of out) setImmediate(() => this.inject(worker, msg))
  }
}
