// One connection attempt over one transport instance. Events from a connection the socket
// has replaced are ignored (the socket checks `socket.connection === this`), so a late close
// or message from an old transport can never disturb the current one.
import { stringToBase64 } from './base64.js'
import { AUTH_TOKEN_PREFIX, SocketStates } from './constants.js'
import { isLongPoll } from './longpoll.js'
import type { Scheduler } from './scheduler.js'
import type { TransportConstructor, WiredTransport } from './transport.js'

/** @internal A transport instance plus what belongs to it alone. */
export class Connection {
  /** Set when we closed it (as opposed to the server or the network). */
  closedByUs = false
  /** Set when the socket no longer wants it (disconnect, replaced transport). */
  ended = false
  /** Ping callbacks by ref; their replies can only arrive over this connection. */
  readonly pings = new Map<string, () => void>()

  constructor(readonly transport: WiredTransport) {}

  isOpen(): boolean {
    return this.transport.readyState === SocketStates.open
  }

  isConnecting(): boolean {
    return this.transport.readyState === SocketStates.connecting
  }

  hasClosed(): boolean {
    return this.transport.readyState === SocketStates.closed
  }

  /** Runs `then` once the send buffer drained (or it stopped being open), polling briefly. */
  afterDrain(scheduler: Scheduler, then: () => void): void {
    const t = this.transport
    poll(scheduler, () => !t.bufferedAmount || !this.isOpen(), then)
  }

  /** Runs `then` once the transport reports closed, polling briefly. */
  afterClosed(scheduler: Scheduler, then: () => void): void {
    poll(scheduler, () => this.hasClosed(), then)
  }

  /** Closes the transport; closing a connecting WebSocket emits an error we must ignore. */
  close(code?: number, reason?: string): void {
    this.closedByUs = true
    this.transport.onerror = null
    if (code) this.transport.close(code, reason ?? '')
    else this.transport.close()
  }
}

// Checks `done` up to 4 times, 150·n ms apart, then proceeds anyway (as phoenix.js does).
function poll(scheduler: Scheduler, done: () => boolean, then: () => void, tries = 1): void {
  if (tries === 5 || done()) return then()
  scheduler.after(150 * tries, () => poll(scheduler, done, then, tries + 1))
}

/** @internal What `createTransport` reads from the socket. */
export interface TransportSettings {
  readonly transport: TransportConstructor
  readonly scheduler: Scheduler
  readonly binaryType: string
  readonly longpollerTimeout: number
  endPointURL(): string
}

/** @internal A new transport instance; the auth token travels as a subprotocol. */
export function createTransport(s: TransportSettings, token: string | undefined): WiredTransport {
  const protocols = token
    ? ['phoenix', AUTH_TOKEN_PREFIX + stringToBase64(token).replace(/=/g, '')]
    : undefined
  const T = s.transport
  const url = s.endPointURL()
  const t = (
    isLongPoll(T) ? new T(url, protocols, { scheduler: s.scheduler }) : new T(url, protocols)
  ) as WiredTransport
  t.binaryType = s.binaryType
  t.timeout = s.longpollerTimeout
  return t
}
