// The Socket (spec §5.1–§5.2): one logical connection that survives transport loss. Each
// transport instance lives in a Connection; events from replaced connections are ignored,
// and `connectClock` tells callbacks whether a connect/disconnect happened meanwhile.
// Over the 300-line budget on purpose: it is phoenix.js's public Socket surface (drop-in),
// and the connection lifecycle reads best in one place; helpers live in socket-base.ts,
// connection.ts, heartbeat.ts, fallback.ts and page.ts.
import { Channel, type Params } from './channel.js'
import { Connection, createTransport } from './connection.js'
import { ERROR, HEARTBEAT, LEAVE, PHOENIX, WS_CLOSE_NORMAL } from './constants.js'
import { connectWithFallback } from './fallback.js'
import { Heartbeat } from './heartbeat.js'
import { isLongPoll, LongPoll } from './longpoll.js'
import * as options from './options.js'
import type { PageLike, SocketOptions, StorageLike } from './options.js'
import { SocketBase } from './socket-base.js'
import type { Scheduler } from './scheduler.js'
import * as serializer from './serializer.js'
import type { Decode, Encode, SocketMessage } from './serializer.js'
import { ClientError } from './errors.js'
import { Timer } from './timer.js'
import type { CloseEventLike, TransportConstructor, WiredTransport } from './transport.js'
import { watchPage } from './page.js'

const closure = <T>(v: T | (() => T)): (() => T) =>
  typeof v === 'function' ? (v as () => T) : () => v

/** A Phoenix socket: connects, reconnects, heartbeats and multiplexes channels. */
export class Socket extends SocketBase {
  /** Channels created by `channel()` and not yet closed. */
  channels: Channel[] = []
  /** Sends waiting for the connection to open. */
  sendBuffer: Array<() => void> = []
  readonly timeout: number
  readonly heartbeatIntervalMs: number
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
  readonly scheduler: Scheduler
  params: () => Record<string, unknown>
  authToken: (() => string) | undefined
  /** The transport class used for the next connection. */
  transport: TransportConstructor
  /** Reconnect backoff timer. */
  readonly reconnectTimer: Timer
  /** @internal The current connection, if any. */
  connection: Connection | null = null
  /** True after an explicit disconnect (or before the first open). */
  closeWasClean = true
  /** Bumped on every connect, disconnect and transport replacement. */
  connectClock = 1
  /** How many times a transport opened. */
  establishedConnections = 0
  /** Set when a WebSocket answered a ping during fallback mode. */
  primaryPassedHealthCheck = false
  readonly sessionStore: StorageLike | null
  readonly #encode: Encode
  readonly #decode: Decode
  readonly #heartbeat: Heartbeat
  readonly #page: PageLike | null
  readonly #fallbackMs: number | undefined
  #pageWatched = false
  #stopFallback: (() => void) | undefined

  /**
   * Creates a socket for `endPoint` (e.g. "/socket" or "ws://host/socket"); call `connect()`.
   * A list of endpoints (the nodes of a cluster) is tried in turn, one per reconnect.
   */
  constructor(endPoint: string | readonly string[], opts: SocketOptions = {}) {
    const runtime = options.resolveRuntime(opts)
    super(runtime.logger)
    this.scheduler = runtime.scheduler
    const globalWs = (globalThis as { WebSocket?: TransportConstructor }).WebSocket
    this.transport = opts.transport ?? globalWs ?? LongPoll
    this.#fallbackMs = opts.longPollFallbackMs
    this.timeout = opts.timeout ?? 10000
    this.heartbeatIntervalMs = opts.heartbeatIntervalMs ?? 30000
    this.longpollerTimeout = opts.longpollerTimeout ?? 20000
    this.reconnectAfterMs = opts.reconnectAfterMs ?? options.defaultReconnectAfterMs
    this.rejoinAfterMs = opts.rejoinAfterMs ?? options.defaultRejoinAfterMs
    this.binaryType = opts.binaryType ?? 'arraybuffer'
    this.vsn = opts.vsn ?? '2.0.0'
    this.params = closure(opts.params ?? {})
    this.authToken = opts.authToken === undefined ? undefined : closure(opts.authToken)
    this.endPoints = typeof endPoint === 'string' ? [endPoint] : [...endPoint]
    if (this.endPoints.length === 0)
      throw new ClientError('BAD_OPTION', 'give at least one endpoint')
    this.sessionStore =
      opts.sessionStorage === undefined ? options.defaultStorage() : opts.sessionStorage
    this.#page = opts.page === undefined ? options.browserPage() : opts.page
    this.#encode = opts.encode ?? serializer.encode
    this.#decode = opts.decode ?? serializer.decode
    this.reconnectTimer = new Timer(() => this.#reconnect(), this.reconnectAfterMs, this.scheduler)
    this.#heartbeat = new Heartbeat(this.scheduler, this.heartbeatIntervalMs, {
      send: () => this.#sendHeartbeat(),
      timeout: () => this.#heartbeatTimeout(),
    })
  }

  /** The current transport instance, if any. */
  get conn(): WiredTransport | null {
    return this.connection?.transport ?? null
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
      this.log('socket', 'passing params to connect is deprecated; pass them to the Socket')
      this.params = closure(params)
    }
    const c = this.connection
    if (c && !c.ended && !c.isClosed()) return
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
      this.#heartbeat.clear()
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
    t.onmessage = (event) => current() && this.#onConnMessage(conn, event.data)
    t.onclose = (event) => {
      if (!current() || closeHandled) return
      closeHandled = true
      this.#onConnClose(conn, event)
    }
  }

  #onConnOpen(): void {
    this.log('transport', `connected to ${this.endPointURL()}`)
    this.closeWasClean = false
    this.establishedConnections++
    this.flushSendBuffer()
    this.reconnectTimer.reset()
    if (!this.conn?.skipHeartbeat) this.#heartbeat.schedule()
    this.fire('open')
  }

  #onConnClose(conn: Connection, event: CloseEventLike): void {
    this.log('transport', 'close', event)
    this.#heartbeat.clear()
    this.triggerChanError('connection_closed')
    const abnormal = !conn.closing && event.code !== WS_CLOSE_NORMAL
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

  #onConnMessage(conn: Connection, raw: unknown): void {
    try {
      this.#codec().decode(raw, (msg) => this.#dispatch(conn, msg))
    } catch (error) {
      this.log('transport', 'dropping undecodable frame', error)
    }
  }

  #dispatch(conn: Connection, msg: SocketMessage): void {
    if (this.connection !== conn) return
    const { topic, event, payload, ref, join_ref } = msg
    this.#heartbeat.onReply(ref)
    if (this.logger) {
      const status = (payload as { status?: string } | null)?.status ?? ''
      this.log('receive', `${status} ${topic} ${event} ${ref ? `(${ref})` : ''}`, payload)
    }
    for (const channel of [...this.channels]) {
      if (channel.isMember(topic, event, payload, join_ref))
        channel.trigger(event, payload, ref, join_ref)
    }
    this.fire('message', msg)
    const ping = ref === null ? undefined : conn.pings.get(ref)
    if (ping && ref !== null) {
      conn.pings.delete(ref)
      ping()
    }
  }

  /** @internal Errors every channel that is not already errored, leaving or closed. */
  triggerChanError(reason: string): void {
    for (const channel of [...this.channels]) {
      if (!(channel.isErrored() || channel.isLeaving() || channel.isClosed())) {
        channel.trigger(ERROR, reason)
      }
    }
  }

  #sendHeartbeat(): string | null {
    if (!this.isConnected()) return null
    const ref = this.makeRef()
    this.push({ topic: PHOENIX, event: HEARTBEAT, payload: {}, ref, join_ref: null })
    return ref
  }

  #heartbeatTimeout(): void {
    const conn = this.connection
    this.log('transport', 'heartbeat timeout. Attempting to re-establish connection')
    this.triggerChanError('heartbeat_timeout')
    if (this.connection !== conn || conn?.ended) return
    this.closeWasClean = false
    conn?.close(WS_CLOSE_NORMAL, 'heartbeat timeout')
    if (this.connection !== conn || conn?.ended) return
    this.#teardownAndReconnect(() => this.reconnectTimer.scheduleTimeout())
  }

  #reconnect(): void {
    if (this.#page?.hidden) {
      this.log('transport', 'not reconnecting as page is hidden')
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
    this.#heartbeat.clear()
    conn.afterDrain(this.scheduler, () => {
      if (!conn.closing) {
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

  /** Sends a heartbeat and calls back with the round trip in ms; false if not connected. */
  ping(callback: (rtt: number) => void): boolean {
    const conn = this.connection
    if (!conn || !this.isConnected()) return false
    const ref = this.makeRef()
    const start = this.scheduler.now()
    conn.pings.set(ref, () => callback(this.scheduler.now() - start))
    this.push({ topic: PHOENIX, event: HEARTBEAT, payload: {}, ref, join_ref: null })
    return true
  }

  /** The transport state as a word. */
  connectionState(): 'connecting' | 'open' | 'closing' | 'closed' {
    const states = ['connecting', 'open', 'closing', 'closed'] as const
    return states[this.conn?.readyState ?? 3] ?? 'closed'
  }

  /** True when the transport is open. */
  isConnected(): boolean {
    return this.connectionState() === 'open'
  }

  /** Creates and registers a channel for `topic`. */
  channel(topic: string, params: Params = {}): Channel {
    const channel = new Channel(topic, params, this)
    this.channels.push(channel)
    return channel
  }

  /** @internal Unregisters a channel and its socket callbacks. */
  remove(channel: Channel): void {
    this.off(channel.stateChangeRefs)
    this.channels = this.channels.filter((c) => c !== channel)
  }

  /** @internal Leaves another joined/joining channel of `topic` before a (re)join. */
  leaveOpenTopic(topic: string, except?: Channel): void {
    const dup = this.channels.find(
      (c) => c !== except && c.topic === topic && (c.isJoined() || c.isJoining()),
    )
    if (!dup) return
    this.log('transport', `leaving duplicate topic "${topic}"`)
    dup.leave()
  }

  /** Sends a message now if connected, else buffers it until the next open. */
  push(data: SocketMessage, channel?: Channel): void {
    if (this.logger) {
      this.log('push', `${data.topic} ${data.event} (${data.join_ref}, ${data.ref})`, data.payload)
    }
    if (this.isConnected()) this.#send(data, channel)
    else this.sendBuffer.push(() => this.#send(data, channel))
  }

  #send(data: SocketMessage, channel?: Channel): void {
    const conn = this.connection
    if (!conn) return
    // A push made for an earlier join (or a closed channel) is stale; a leave still goes out.
    const stale = !!channel && (data.join_ref !== channel.joinRef() || channel.isClosed())
    if (stale && data.event !== LEAVE) return
    this.#codec().encode(data, (frame) => {
      if (this.connection === conn && conn.isOpen()) conn.transport.send(frame)
    })
  }

  // LongPoll always speaks the built-in serializer (spec §5.1).
  #codec(): { encode: Encode; decode: Decode } {
    return isLongPoll(this.transport) ? serializer : { encode: this.#encode, decode: this.#decode }
  }

  /** @internal Sends everything buffered while offline. */
  flushSendBuffer(): void {
    if (!this.isConnected() || this.sendBuffer.length === 0) return
    const buffered = this.sendBuffer
    this.sendBuffer = []
    for (const send of buffered) {
      try {
        send()
      } catch (error) {
        this.log('push', 'dropping unsendable buffered message', error)
      }
    }
  }

  /** The LongPoll transport class. */
  getLongPollTransport(): typeof LongPoll {
    return LongPoll
  }
}
