// The Socket (spec §5.1–§5.2): one logical connection that survives transport loss. Each
// transport instance lives in a Connection; events from replaced connections are ignored,
// and `connectClock` tells callbacks whether a connect/disconnect happened meanwhile. This
// file is the connection lifecycle; messages and channels live in socket-traffic.ts.
import { Channel, type Params } from './channel.js'
import { Connection, createTransport } from './connection.js'
import { WS_CLOSE_NORMAL } from './constants.js'
import { connectWithFallback } from './fallback.js'
import { isLongPoll, LongPoll } from './longpoll.js'
import * as options from './options.js'
import type { PageLike, SocketOptions, StorageLike } from './options.js'
import { SocketTraffic } from './socket-traffic.js'
import { misuse } from './errors.js'
import { Timer } from './timer.js'
import type { CloseEventLike, TransportConstructor } from './transport.js'
import { watchPage } from './page.js'
import { DEV } from './dev.js'

const closure = <T>(v: T | (() => T)): (() => T) =>
  typeof v === 'function' ? (v as () => T) : () => v

/** A Phoenix socket: connects, reconnects, heartbeats and multiplexes channels. */
export class Socket extends SocketTraffic {
  readonly timeout: number
  readonly longpollerTimeout: number
  readonly reconnectAfterMs: (tries: number) => number
  readonly rejoinAfterMs: (tries: number) => number
  readonly binaryType: string
  readonly vsn: string
  /** The current endpoint with `/websocket` appended (see {@link Socket.endPoints}). */
  get endPoint(): string {
    return `${this.endPoints[this.#endPointIndex % this.endPoints.length]}/websocket`
  }
  /** Every endpoint given; reconnects rotate through them so a drained node's clients move on. */
  readonly endPoints: readonly string[]
  #endPointIndex = 0
  params: () => Record<string, unknown>
  authToken: (() => string) | undefined
  /** Reconnect backoff timer. */
  readonly reconnectTimer: Timer
  /** True after an explicit disconnect (or before the first open). */
  closeWasClean = true
  /** @internal Bumped on every connect, disconnect and transport replacement. */
  connectClock = 1
  /** How many times a transport opened. */
  establishedConnections = 0
  /** Set when a WebSocket answered a ping during fallback mode. */
  primaryPassedHealthCheck = false
  readonly sessionStore: StorageLike | null
  readonly #page: PageLike | null
  readonly #fallbackMs: number | undefined
  #pageWatched = false
  #stopFallback: (() => void) | undefined

  /**
   * Creates a socket for `endPoint` (e.g. "/socket" or "ws://host/socket"); call `connect()`.
   * A list of endpoints (the nodes of a cluster) is tried in turn, one per reconnect.
   */
  constructor(endPoint: string | readonly string[], opts: SocketOptions = {}) {
    super(opts)
    this.#fallbackMs = opts.longPollFallbackMs
    this.timeout = opts.timeout ?? 10000
    this.longpollerTimeout = opts.longpollerTimeout ?? 20000
    this.reconnectAfterMs = opts.reconnectAfterMs ?? options.defaultReconnectAfterMs
    this.rejoinAfterMs = opts.rejoinAfterMs ?? options.defaultRejoinAfterMs
    this.binaryType = opts.binaryType ?? 'arraybuffer'
    this.vsn = opts.vsn ?? '2.0.0'
    this.params = closure(opts.params ?? {})
    this.authToken = opts.authToken === undefined ? undefined : closure(opts.authToken)
    this.endPoints = typeof endPoint === 'string' ? [endPoint] : [...endPoint]
    if (this.endPoints.length === 0) throw misuse('BAD_OPTION', 'endpoint')
    this.sessionStore =
      opts.sessionStorage === undefined ? options.defaultStorage() : opts.sessionStorage
    this.#page = opts.page === undefined ? options.browserPage() : opts.page
    this.reconnectTimer = new Timer(() => this.#reconnect(), this.reconnectAfterMs, this.scheduler)
  }

  /** "wss" on https pages, else "ws". */
  protocol(): string {
    return globalThis.location?.protocol.startsWith('https') ? 'wss' : 'ws'
  }

  /** The full connect URL: endpoint, params, `vsn`; relative endpoints use the page host. */
  endPointURL(): string {
    return options.endPointURL(this.endPoint, this.params(), this.vsn, this.protocol())
  }

  /** Connects (a no-op while a connection is alive). Passing params here is deprecated. */
  connect(params?: SocketOptions['params']): void {
    if (params) {
      this.log(
        'socket',
        DEV ? 'passing params to connect is deprecated; pass them to the Socket' : 'deprecated',
      )
      this.params = closure(params)
    }
    const c = this.connection
    if (c && !c.ended && !c.hasClosed()) return
    this.#watchPage()
    if (this.#fallbackMs && !isLongPoll(this.transport)) {
      this.#stopFallback?.()
      this.#stopFallback = connectWithFallback(this, LongPoll, this.#fallbackMs)
    } else {
      this.transportConnect()
    }
  }

  /** Disconnects for good (no reconnect); `callback` runs once the transport closed. */
  disconnect(callback?: () => void, code?: number, reason?: string): void {
    this.connectClock++
    this.closeWasClean = true
    this.#stopFallback?.()
    this.reconnectTimer.reset()
    if (this.connection) this.connection.ended = true
    this.teardown(callback, code, reason)
  }

  /** @internal Opens a new transport of the current class. */
  transportConnect(): void {
    const previous = this.connection
    this.connectClock++
    this.closeWasClean = false
    this.reconnectTimer.cancel()
    const conn = new Connection(createTransport(this, this.authToken?.()))
    this.connection = conn
    this.#wire(conn)
    if (previous?.isOpen()) this.triggerChanError('connection_closed')
  }

  /** @internal Drops the current connection and switches the transport class. */
  replaceTransport(T: TransportConstructor): number {
    const clock = ++this.connectClock
    this.closeWasClean = true
    this.reconnectTimer.reset()
    this.transport = T
    const conn = this.connection
    if (conn) {
      const wasOpen = conn.isOpen()
      this.connection = null
      conn.ended = true
      conn.close()
      this.heartbeat.clear()
      if (wasOpen) this.triggerChanError('connection_closed')
    }
    return clock
  }

  #wire(conn: Connection): void {
    const t = conn.transport
    const current = (): boolean => this.connection === conn
    let closeHandled = false
    t.onopen = () => current() && this.#onConnOpen()
    t.onerror = (error) => current() && this.#onConnError(error)
    t.onmessage = (event) => current() && this.receive(conn, event.data)
    t.onclose = (event) => {
      if (!current() || closeHandled) return
      closeHandled = true
      this.#onConnClose(conn, event)
    }
  }

  #onConnOpen(): void {
    this.log('transport', DEV ? `connected to ${this.endPointURL()}` : 'connected')
    this.closeWasClean = false
    this.establishedConnections++
    this.flushSendBuffer()
    this.reconnectTimer.reset()
    if (!this.conn?.skipHeartbeat) this.heartbeat.schedule()
    this.fire('open')
  }

  #onConnClose(conn: Connection, event: CloseEventLike): void {
    this.log('transport', 'close', event)
    this.heartbeat.clear()
    this.triggerChanError('connection_closed')
    const abnormal = !conn.closedByUs && event.code !== WS_CLOSE_NORMAL
    if (this.connection === conn && abnormal && !this.closeWasClean) {
      this.reconnectTimer.scheduleTimeout()
    }
    this.fire('close', event)
  }

  #onConnError(error: unknown): void {
    this.log('transport', 'error', error)
    const transportBefore = this.transport
    const establishedBefore = this.establishedConnections
    this.fire('error', error, transportBefore, establishedBefore)
    // A primary transport replaced (fallback) before it ever opened errors no channel.
    if (transportBefore === this.transport || establishedBefore > 0) {
      this.triggerChanError('connection_error')
    }
  }

  /** @internal Closes and reconnects a connection whose heartbeat went unanswered. */
  protected override heartbeatTimeout(): void {
    const conn = this.connection
    this.log(
      'transport',
      DEV ? 'heartbeat timeout. Attempting to re-establish connection' : 'heartbeat timeout',
    )
    this.triggerChanError('heartbeat_timeout')
    if (this.connection !== conn || conn?.ended) return
    this.closeWasClean = false
    conn?.close(WS_CLOSE_NORMAL, 'heartbeat timeout')
    if (this.connection !== conn || conn?.ended) return
    this.#teardownAndReconnect(() => this.reconnectTimer.scheduleTimeout())
  }

  #reconnect(): void {
    if (this.#page?.hidden) {
      this.log('transport', DEV ? 'not reconnecting as page is hidden' : 'hidden')
      this.teardown()
      return
    }
    this.#endPointIndex = (this.#endPointIndex + 1) % this.endPoints.length
    this.#teardownAndReconnect(() => this.connect())
  }

  #teardownAndReconnect(reconnect: () => void): void {
    const conn = this.connection
    const clock = this.connectClock
    this.teardown(() => {
      if (clock === this.connectClock && !conn?.ended) reconnect()
    })
  }

  /** @internal Closes the current connection once its buffer drained, then forgets it. */
  teardown(callback?: () => void, code?: number, reason?: string): void {
    const conn = this.connection
    if (!conn) {
      callback?.()
      return
    }
    this.heartbeat.clear()
    conn.afterDrain(this.scheduler, () => {
      if (!conn.closedByUs) {
        const wasOpened = !conn.isConnecting()
        conn.close(code, reason)
        if (wasOpened && this.connection === conn) this.triggerChanError('connection_closed')
      }
      conn.afterClosed(this.scheduler, () => {
        if (this.connection === conn) this.connection = null
        callback?.()
      })
    })
  }

  #watchPage(): void {
    if (this.#pageWatched || !this.#page) return
    this.#pageWatched = true
    watchPage(this, this.#page, () => {
      this.reconnectTimer.reset()
      this.#teardownAndReconnect(() => this.connect())
    })
  }

  /** Creates and registers a channel for `topic`. */
  channel(topic: string, params: Params = {}): Channel {
    const channel = new Channel(topic, params, this)
    this.channels.push(channel)
    return channel
  }

  /** The LongPoll transport class. */
  getLongPollTransport(): typeof LongPoll {
    return LongPoll
  }
}
