// The bookkeeping half of the Socket: the shared ref counter, the onOpen/onClose/onError/
// onMessage registries (removed by ref with `off`, as in phoenix.js) and logging. The
// connection lifecycle lives in socket.ts.
import type { Logger } from './options.js'
import type { SocketMessage } from './serializer.js'
import type { CloseEventLike, TransportConstructor } from './transport.js'

/** `onError` callback: the error, the transport class and the count of opens before it. */
export type SocketErrorCallback = (
  error: unknown,
  transportBefore: TransportConstructor,
  establishedBefore: number,
) => void

/** Registered connection callbacks by kind, each with its ref. */
export interface SocketCallbacks {
  open: Array<[string, () => void]>
  close: Array<[string, (event: CloseEventLike) => void]>
  error: Array<[string, SocketErrorCallback]>
  message: Array<[string, (message: SocketMessage) => void]>
}

/** Refs, callback registries and logging shared by every Socket. */
export class SocketBase {
  /** Registered connection callbacks, by kind. */
  readonly stateChangeCallbacks: SocketCallbacks = { open: [], close: [], error: [], message: [] }
  /** Last ref handed out by `makeRef`. */
  ref = 0

  constructor(public logger: Logger | null) {}

  /** The next message ref ("1", "2", …), wrapping to "0" on overflow. */
  makeRef(): string {
    const next = this.ref + 1
    this.ref = next === this.ref ? 0 : next
    return String(this.ref)
  }

  /** Registers an open callback; returns a ref for `off`. */
  onOpen(callback: () => void): string {
    return this.#register('open', callback)
  }
  /** Registers a close callback; returns a ref for `off`. */
  onClose(callback: (event: CloseEventLike) => void): string {
    return this.#register('close', callback)
  }
  /** Registers an error callback; returns a ref for `off`. */
  onError(callback: SocketErrorCallback): string {
    return this.#register('error', callback)
  }
  /** Registers a callback for every decoded inbound message; returns a ref for `off`. */
  onMessage(callback: (message: SocketMessage) => void): string {
    return this.#register('message', callback)
  }

  #register<K extends keyof SocketCallbacks>(
    kind: K,
    callback: SocketCallbacks[K][number][1],
  ): string {
    const ref = this.makeRef()
    ;(this.stateChangeCallbacks[kind] as Array<[string, unknown]>).push([ref, callback])
    return ref
  }

  /** Removes callbacks registered with onOpen/onClose/onError/onMessage. */
  off(refs: ReadonlyArray<string | undefined>): void {
    // One loop over the four registries keeps the bundle small; they share the [ref, cb] shape.
    const cbs = this.stateChangeCallbacks as unknown as Record<string, Array<[string, unknown]>>
    for (const [kind, list] of Object.entries(cbs)) {
      cbs[kind] = list.filter(([ref]) => !refs.includes(ref))
    }
  }

  /** Runs the callbacks of `kind` over a snapshot (callbacks may register or remove others). */
  protected fire<K extends keyof SocketCallbacks>(
    kind: K,
    ...args: Parameters<SocketCallbacks[K][number][1]>
  ): void {
    for (const [, cb] of [...this.stateChangeCallbacks[kind]]) {
      ;(cb as (...a: typeof args) => void)(...args)
    }
  }

  /** Logs through the configured logger, if any. */
  log(kind: string, msg: string, data?: unknown): void {
    this.logger?.(kind, msg, data)
  }

  /** True if a logger is set. */
  hasLogger(): boolean {
    return this.logger !== null
  }
}
