// Long-poll fallback (phoenix.js's `longPollFallbackMs`): start on WebSocket with a deadline;
// an error before the first open, or no ping answer within the deadline, switches to LongPoll.
// A LongPoll that opened without WebSocket ever passing its health check is remembered in
// sessionStorage, so the next page load goes straight to LongPoll.
import type { StorageLike } from './options.js'
import type { Cancel, Scheduler } from './scheduler.js'
import type { SocketErrorCallback } from './socket-events.js'
import type { TransportConstructor } from './transport.js'
import { DEV } from './dev.js'

const KEY = 'phx:fallback:LongPoll'

/** @internal What fallback mode needs from the socket. */
export interface FallbackSocket {
  readonly scheduler: Scheduler
  readonly sessionStore: StorageLike | null
  /** @internal The socket's connection lifecycle. */
  readonly life: {
    /** @internal Bumped on every connect, disconnect and transport replacement. */
    readonly clock: number
    /** @internal Drops the current connection at once; returns the new clock. */
    drop(): number
  }
  readonly closeWasClean: boolean
  primaryPassedHealthCheck: boolean
  log(kind: string, msg: string, data?: unknown): void
  onOpen(callback: () => void): string
  onError(callback: SocketErrorCallback): string
  off(refs: ReadonlyArray<string | undefined>): void
  ping(callback: (rtt: number) => void): boolean
  /** The transport class for the next connection. */
  transport: TransportConstructor
  /** @internal Opens a transport of the current class. */
  transportConnect(): void
}

/** @internal Connects `socket` in fallback mode; returns a function that stops the attempt. */
export function connectWithFallback(
  socket: FallbackSocket,
  fallbackTransport: TransportConstructor,
  ms: number,
): () => void {
  let established = false
  let primary = true
  let attempt = 0
  let timer: Cancel | undefined
  const refs: string[] = []
  const arm = (): void => {
    timer?.()
    timer = socket.scheduler.after(ms, () => fallback('timeout'))
  }
  const stop = (): void => {
    timer?.()
    socket.off(refs)
  }
  const isCurrent = (): boolean => attempt === socket.life.clock && !socket.closeWasClean
  const fallback = (reason: unknown): void => {
    primary = false
    timer?.()
    switchTo(socket, fallbackTransport, refs[0], reason)
  }
  if (socket.sessionStore?.getItem(KEY)) {
    fallback('memorized')
    return stop
  }
  const onPrimaryOpen = (): void => {
    established = true
    arm()
    checkHealth(socket, () => timer?.())
  }
  refs.push(
    socket.onError((reason) => {
      if (isCurrent() && primary && !established) fallback(reason)
    }),
    socket.onOpen(() => (primary ? isCurrent() && onPrimaryOpen() : remember(socket))),
  )
  arm()
  socket.transportConnect()
  attempt = socket.life.clock
  return stop
}

// Switches to the fallback transport; the primary's error callback (`errorRef`) goes first,
// so the fallback's own errors are left to the socket.
function switchTo(
  socket: FallbackSocket,
  T: TransportConstructor,
  errorRef: string | undefined,
  reason: unknown,
): void {
  socket.log('transport', DEV ? 'falling back to LongPoll...' : 'fallback', reason)
  socket.off([errorRef])
  socket.transport = T
  if (socket.life.drop() === socket.life.clock) socket.transportConnect()
}

// The primary must answer a ping before the deadline; `passed` runs when it does.
function checkHealth(socket: FallbackSocket, passed: () => void): void {
  socket.ping((rtt) => {
    socket.log('transport', DEV ? 'connected to primary after' : 'primary', rtt)
    socket.primaryPassedHealthCheck = true
    passed()
  })
}

// The fallback opened: the next page load goes straight to it, unless the primary ever
// passed its health check (then the trouble was passing) or the socket was disconnected.
function remember(socket: FallbackSocket): void {
  if (!socket.primaryPassedHealthCheck && !socket.closeWasClean) {
    socket.sessionStore?.setItem(KEY, 'true')
  }
}
