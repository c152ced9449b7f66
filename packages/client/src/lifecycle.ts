// The connection lifecycle of a socket: which Connection is current, whether the last close
// was asked for, the heartbeat that proves it alive, the reconnect backoff, and the moves
// between them (open a transport, drop it to switch transport class, tear it down, react to
// its open/close/error). `clock` is bumped on every connect, disconnect and replacement, so a
// deferred callback can tell whether the socket moved on meanwhile. Events of a connection
// that is no longer current never reach the socket.
import type { ChannelRegistry } from './channel-registry.js'
import { Connection, createTransport, type TransportSettings } from './connection.js'
import { WS_CLOSE_NORMAL } from './constants.js'
import { DEV } from './dev.js'
import { Heartbeat } from './heartbeat.js'
import type { Messenger } from './messenger.js'
import { Timer } from './timer.js'
import type { FireCallbacks } from './socket-events.js'
import type { CloseEventLike } from './transport.js'

/** @internal What the lifecycle needs from its socket. */
export interface LifecycleSocket extends TransportSettings {
  /** True after an explicit disconnect (or before the first open); the lifecycle keeps it. */
  closeWasClean: boolean
  /** How many times a transport opened; the lifecycle counts. */
  establishedConnections: number
  readonly heartbeatIntervalMs: number
  readonly reconnectAfterMs: (tries: number) => number
  readonly authToken: (() => string) | undefined
  /** @internal Runs the socket's callbacks of one kind. */
  readonly fire: FireCallbacks
  /** @internal The socket's channels. */
  readonly registry: ChannelRegistry
  log(kind: string, msg: string, data?: unknown): void
  /** @internal The socket's message traffic. */
  readonly messenger: Messenger
  /** @internal Sends what was buffered while offline. */
  flushSendBuffer(): void
  onConnOpen(): void
  onConnClose(event?: CloseEventLike): void
  onConnError(error: unknown): void
  onConnMessage(event: { data: unknown }): void
  /** @internal The reconnect backoff elapsed. */
  reconnect(): void
}

/** @internal The current connection of one socket and its transitions. */
export class Lifecycle {
  /** @internal The current connection, if any. */
  connection: Connection | null = null
  /** Bumped on every connect, disconnect and transport replacement. */
  clock = 1
  /** Reconnect backoff. */
  readonly reconnectTimer: Timer
  /** @internal Heartbeats while a connection is open. */
  readonly heartbeat: Heartbeat

  /** @internal The socket this lifecycle belongs to. */
  readonly owner: LifecycleSocket

  constructor(socket: LifecycleSocket) {
    this.owner = socket
    const { scheduler } = socket
    this.reconnectTimer = new Timer(() => socket.reconnect(), socket.reconnectAfterMs, scheduler)
    this.heartbeat = new Heartbeat(scheduler, socket.heartbeatIntervalMs, {
      send: () => socket.messenger.heartbeat(),
      timeout: () => this.heartbeatTimeout(),
    })
  }

  /** @internal True while a connection exists that nobody ended and that has not closed. */
  isAlive(): boolean {
    const c = this.connection
    return !!c && !c.ended && !c.hasClosed()
  }

  /** Opens a new transport; an open predecessor is dropped and its channels errored. */
  open(): void {
    const previous = this.connection
    this.clock++
    this.owner.closeWasClean = false
    this.reconnectTimer.cancel()
    const conn = new Connection(createTransport(this.owner, this.owner.authToken?.()))
    this.connection = conn
    this.#wire(conn)
    if (previous?.isOpen()) this.owner.registry.errorAll('connection_closed')
  }

  /** @internal Drops the current connection at once (to switch transport class); returns the clock. */
  drop(): number {
    const clock = ++this.clock
    this.owner.closeWasClean = true
    this.reconnectTimer.reset()
    const conn = this.connection
    if (conn) {
      const wasOpen = conn.isOpen()
      this.connection = null
      conn.ended = true
      conn.close()
      this.heartbeat.clear()
      if (wasOpen) this.owner.registry.errorAll('connection_closed')
    }
    return clock
  }

  /** @internal Marks the current connection as unwanted and stops reconnecting: an explicit disconnect. */
  end(): void {
    this.clock++
    this.owner.closeWasClean = true
    this.reconnectTimer.reset()
    if (this.connection) this.connection.ended = true
  }

  /** @internal Closes the current connection once its buffer drained, then forgets it. */
  teardown(callback?: () => void, code?: number, reason?: string): void {
    const conn = this.connection
    if (!conn) return callback?.()
    this.heartbeat.clear()
    conn.afterDrain(this.owner.scheduler, () => {
      if (!conn.closedByUs) {
        const wasOpened = !conn.isConnecting()
        conn.close(code, reason)
        if (wasOpened && this.connection === conn) this.owner.registry.errorAll('connection_closed')
      }
      conn.afterClosed(this.owner.scheduler, () => {
        if (this.connection === conn) this.connection = null
        callback?.()
      })
    })
  }

  /** @internal Tears down, then runs `reconnect` unless a connect or disconnect happened meanwhile. */
  teardownThen(reconnect: () => void): void {
    const conn = this.connection
    const clock = this.clock
    this.teardown(() => {
      if (clock === this.clock && !conn?.ended) reconnect()
    })
  }

  /** @internal The current transport opened. */
  opened(): void {
    this.owner.log('transport', DEV ? `connected to ${this.owner.endPointURL()}` : 'connected')
    this.owner.closeWasClean = false
    this.owner.establishedConnections++
    this.reconnectTimer.reset()
    if (!this.connection?.transport.skipHeartbeat) this.heartbeat.schedule()
    this.owner.flushSendBuffer()
    this.owner.fire('open')
  }

  /** The current transport closed; reconnects unless the close was asked for or normal. */
  transportClosed(event: CloseEventLike | undefined): void {
    this.owner.log('transport', 'close', event)
    this.heartbeat.clear()
    this.owner.registry.errorAll('connection_closed')
    const abnormal = !this.connection?.closedByUs && event?.code !== WS_CLOSE_NORMAL
    if (abnormal && !this.owner.closeWasClean) this.reconnectTimer.scheduleTimeout()
    this.owner.fire('close', event as CloseEventLike)
  }

  /** The current transport reported an error. */
  transportErrored(error: unknown): void {
    this.owner.log('transport', 'error', error)
    const transportBefore = this.owner.transport
    const establishedBefore = this.owner.establishedConnections
    this.owner.fire('error', error, transportBefore, establishedBefore)
    // A primary transport replaced (fallback) before it ever opened errors no channel.
    if (transportBefore === this.owner.transport || establishedBefore > 0) {
      this.owner.registry.errorAll('connection_error')
    }
  }

  /** @internal The pending heartbeat went unanswered for one interval: close and reconnect. */
  heartbeatTimeout(): void {
    const conn = this.connection
    this.owner.log(
      'transport',
      DEV ? 'heartbeat timeout. Attempting to re-establish connection' : 'heartbeat_timeout',
    )
    this.owner.registry.errorAll('heartbeat_timeout')
    if (this.connection !== conn || conn?.ended) return
    this.owner.closeWasClean = false
    conn?.close(WS_CLOSE_NORMAL, 'heartbeat timeout')
    if (this.connection !== conn || conn?.ended) return
    this.teardownThen(() => this.reconnectTimer.scheduleTimeout())
  }

  // The transport's events go through the socket's public handlers, as in phoenix.js.
  #wire(conn: Connection): void {
    const t = conn.transport
    const socket = this.owner
    const current = (): boolean => this.connection === conn
    let closeHandled = false
    t.onopen = () => current() && socket.onConnOpen()
    t.onerror = (error) => current() && socket.onConnError(error)
    t.onmessage = (event) => current() && socket.onConnMessage(event)
    t.onclose = (event) => {
      if (!current() || closeHandled) return
      closeHandled = true
      socket.onConnClose(event)
    }
  }
}
