// Long-poll fallback (spec §5.2 "Fallback mode"): start on WebSocket with a deadline; an
// error before the first open, or no ping answer within the deadline, switches to LongPoll.
// A LongPoll that opened without WebSocket ever passing its health check is remembered in
// sessionStorage, so the next page load goes straight to LongPoll.
import type { Cancel } from './scheduler.js'
import type { Socket } from './socket.js'
import type { TransportConstructor } from './transport.js'
import { DEV } from './dev.js'

const KEY = 'phx:fallback:LongPoll'

/** @internal Connects `socket` in fallback mode; returns a function that stops the attempt. */
export function connectWithFallback(
  socket: Socket,
  fallbackTransport: TransportConstructor,
  ms: number,
): () => void {
  let established = false
  let primary = true
  let clock = 0
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
  const isCurrent = (): boolean => clock === socket.connectClock && !socket.closeWasClean
  const fallback = (reason: unknown): void => {
    socket.log('transport', DEV ? 'falling back to LongPoll...' : 'fallback', reason)
    timer?.()
    socket.off(refs.slice(0, 1))
    primary = false
    const replaced = socket.replaceTransport(fallbackTransport)
    if (replaced === socket.connectClock) socket.transportConnect()
  }
  if (socket.sessionStore?.getItem(KEY)) {
    fallback('memorized')
    return stop
  }
  refs.push(
    socket.onError((reason) => {
      if (isCurrent() && primary && !established) fallback(reason)
    }),
    socket.onOpen(() => {
      if (!primary) {
        if (!socket.primaryPassedHealthCheck && !socket.closeWasClean)
          socket.sessionStore?.setItem(KEY, 'true')
        return
      }
      if (!isCurrent()) return
      established = true
      arm()
      socket.ping((rtt) => {
        socket.log('transport', DEV ? 'connected to primary after' : 'primary', rtt)
        socket.primaryPassedHealthCheck = true
        timer?.()
      })
    }),
  )
  arm()
  socket.transportConnect()
  clock = socket.connectClock
  return stop
}
