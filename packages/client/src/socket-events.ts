// The socket's onOpen/onClose/onError/onMessage registries. A callback is removed by the ref
// it was registered with (`socket.off(refs)`, as in phoenix.js's Socket), and each kind fires
// over a snapshot (see `Socket.fire`), so a callback may register or remove others while it
// runs.
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

/** @internal Removes the callbacks registered under any of `refs`, from every registry. */
export function unregister(cbs: SocketCallbacks, refs: ReadonlyArray<string | undefined>): void {
  // One loop over the four registries keeps the bundle small; they share the [ref, cb] shape.
  const lists = cbs as unknown as Record<string, Array<[string, unknown]>>
  for (const [kind, list] of Object.entries(lists)) {
    lists[kind] = list.filter(([ref]) => !refs.includes(ref))
  }
}

/** @internal Runs the callbacks of one kind with that kind's arguments. */
export type FireCallbacks = <K extends keyof SocketCallbacks>(
  kind: K,
  ...args: Parameters<SocketCallbacks[K][number][1]>
) => void

/** @internal Adds `callback` to the `kind` registry under `ref`; returns the ref. */
export function register<K extends keyof SocketCallbacks>(
  cbs: SocketCallbacks,
  kind: K,
  ref: string,
  callback: SocketCallbacks[K][number][1],
): string {
  ;(cbs[kind] as Array<[string, unknown]>).push([ref, callback])
  return ref
}
