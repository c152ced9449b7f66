// The Socket: one logical connection that survives transport loss, multiplexing channels. It
// keeps the options, the callback registries and the phoenix.js-shaped public API, and owns
// small parts: the connection lifecycle with its heartbeat and reconnect backoff
// (lifecycle.ts), the message traffic with the offline send buffer (messenger.ts) and the
// channel registry (channel-registry.ts).
import { Channel, type Params } from './channel.js'
import { ChannelRegistry } from './channel-registry.js'
import { DEV } from './dev.js'
import { misuse } from './errors.js'
import { connectWithFallback } from './fallback.js'
import { Lifecycle } from './lifecycle.js'
import { isLongPoll, LongPoll } from './longpoll.js'
import { Messenger } from './messenger.js'
import * as options from './options.js'
import type { Logger, PageLike, SocketOptions, StorageLike } from './options.js'
import { watchPage } from './page.js'
import { realScheduler, type Scheduler } from './scheduler.js'
import { decode, encode, type Decode, type Encode, type SocketMessage } from './serializer.js'
import {
  type FireCallbacks,
  register,
  unregister,
  type SocketCallbacks,
  type SocketErrorCallback,
} from './socket-events.js'
import type { Timer } from './timer.js'
import type { CloseEventLike, TransportConstructor, WiredTransport } from './transport.js'

const closure = <T>(v: T | (() => T)): (() => T) =>
  typeof v === 'function' ? (v as () => T) : () => v

/** A Phoenix socket: connects, reconnects, heartbeats and multiplexes channels. */
export class Socket {
  readonly timeout: number
  readonly longpollerTimeout: number
  readonly reconnectAfterMs: (tries: number) => number
  readonly rejoinAfterMs: (tries: number) => number
  readonly binaryType: string
  readonly vsn: string
  readonly scheduler: Scheduler
  readonly heartbeatIntervalMs: number
  /** The transport class used for the next connection. */
  transport: TransportConstructor
  logger: Logger | null
  /** Last ref handed out by `makeRef`. */
  ref = 0
  /** Every endpoint given; reconnects rotate through them so a drained node's clients move on. */
  readonly endPoints: readonly string[]
  params: () => Record<string, unknown>
  authToken: (() => string) | undefined
  /** True after an explicit disconnect (or before the first open). */
  closeWasClean = true
  /** How many times a transport opened. */
  establishedConnections = 0
  /** Set when a WebSocket answered a ping during fallback mode. */
  primaryPassedHealthCheck = false
  readonly sessionStore: StorageLike | null
  #endPointIndex = 0
  readonly #fallbackMs: number | undefined
  readonly #pageOption: PageLike | null | undefined
  // The page, looked up on the first connect (undefined until then).
  #page: PageLike | null | undefined
  #stopFallback: (() => void) | undefined
  /** Registered connection callbacks, by kind (the arrays are replaced, never the object). */
  readonly stateChangeCallbacks: SocketCallbacks = { open: [], close: [], error: [], message: [] }
  /** @internal Runs the callbacks of one kind over a snapshot of its registry. */
  fire: FireCallbacks = (kind, ...args) => {
    for (const [, cb] of [...this.stateChangeCallbacks[kind]])
      (cb as (...a: typeof args) => void)(...args)
  }
  /** @internal The channels created by `channel()`. */
  readonly registry = new ChannelRegistry(this)
  /** Channels created by `channel()` and not yet closed (updated in place). */
  readonly channels: Channel[] = this.registry.channels
  /** Sends waiting for the connection to open, oldest first (emptied in place on open). */
  readonly sendBuffer: Array<() => void>
  /** Reconnect backoff timer. */
  readonly reconnectTimer: Timer
  /** phoenix.js compatibility: the encoder for WebSocket frames (`encode` option or V2). */
  encode: Encode
  /** phoenix.js compatibility: the decoder for WebSocket frames (`decode` option or V2). */
  decode: Decode
  /** @internal Encoding, sending, buffering and decoding. */
  readonly messenger: Messenger
  /** @internal The connection, heartbeat and reconnect backoff. */
  readonly life: Lifecycle

  /**
   * Creates a socket for `endPoint` (e.g. "/socket" or "ws://host/socket"); call `connect()`.
   * A list of endpoints (the nodes of a cluster) is tried in turn, one per reconnect.
   */
  constructor(endPoint: string | readonly string[], opts: SocketOptions = {}) {
    this.endPoints = typeof endPoint === 'string' ? [endPoint] : [...endPoint]
    if (this.endPoints.length === 0) throw misuse('BAD_OPTION', 'endpoint')
    this.logger = opts.logger ?? (opts.debug ? options.consoleLogger : null)
    this.scheduler = opts.scheduler ?? realScheduler
    const globalWs = (globalThis as { WebSocket?: TransportConstructor }).WebSocket
    this.transport = opts.transport ?? globalWs ?? LongPoll
    this.heartbeatIntervalMs = opts.heartbeatIntervalMs ?? 30000
    this.#fallbackMs = opts.longPollFallbackMs
    this.timeout = opts.timeout ?? 10000
    this.longpollerTimeout = opts.longpollerTimeout ?? 20000
    this.reconnectAfterMs = opts.reconnectAfterMs ?? options.defaultReconnectAfterMs
    this.rejoinAfterMs = opts.rejoinAfterMs ?? options.defaultRejoinAfterMs
    this.binaryType = opts.binaryType ?? 'arraybuffer'
    this.vsn = opts.vsn ?? '2.0.0'
    this.params = closure(opts.params ?? {})
    this.authToken = opts.authToken === undefined ? undefined : closure(opts.authToken)
    this.sessionStore =
      opts.sessionStorage === undefined ? options.defaultStorage() : opts.sessionStorage
    this.#pageOption = opts.page
    // LongPoll always speaks the built-in serializer, as in phoenix.js.
    const custom = !isLongPoll(this.transport)
    this.encode = (custom && opts.encode) || encode
    this.decode = (custom && opts.decode) || decode
    this.messenger = new Messenger(this)
    this.sendBuffer = this.messenger.buffer
    this.life = new Lifecycle(this)
    this.reconnectTimer = this.life.reconnectTimer
  }

  /** @internal The current connection, if any. */
  get connection(): Lifecycle['connection'] {
    return this.life.connection
  }
  /** The current transport instance, if any. */
  get conn(): WiredTransport | null {
    return this.life.connection?.transport ?? null
  }
  /** The current endpoint with `/websocket` appended (see {@link Socket.endPoints}). */
  get endPoint(): string {
    return `${this.endPoints[this.#endPointIndex % this.endPoints.length]}/websocket`
  }

  /** The next message ref ("1", "2", …), wrapping to "0" on overflow. */
  makeRef(): string {
    const next = this.ref + 1
    this.ref = next === this.ref ? 0 : next
    return String(this.ref)
  }

  /** Registers an open callback; returns a ref for `off`. */
  onOpen(callback: () => void): string {
    return this.#reg('open', callback)
  }
  /** Registers a close callback; returns a ref for `off`. */
  onClose(callback: (event: CloseEventLike) => void): string {
    return this.#reg('close', callback)
  }
  /** Registers an error callback; returns a ref for `off`. */
  onError(callback: SocketErrorCallback): string {
    return this.#reg('error', callback)
  }
  /** Registers a callback for every decoded inbound message; returns a ref for `off`. */
  onMessage(callback: (message: SocketMessage) => void): string {
    return this.#reg('message', callback)
  }
  /** Removes callbacks registered with onOpen/onClose/onError/onMessage. */
  off(refs: ReadonlyArray<string | undefined>): void {
    unregister(this.stateChangeCallbacks, refs)
  }

  #reg<K extends keyof SocketCallbacks>(kind: K, callback: SocketCallbacks[K][number][1]): string {
    return register(this.stateChangeCallbacks, kind, this.makeRef(), callback)
  }

  /** Logs through the configured logger, if any. */
  log(kind: string, msg: string, data?: unknown): void {
    this.logger?.(kind, msg, data)
  }
  /** True if a logger is set. */
  hasLogger(): boolean {
    return this.logger !== null
  }

  /** "wss" on https pages, else "ws". */
  protocol(): string {
    return globalThis.location?.protocol.startsWith('https') ? 'wss' : 'ws'
  }

  /** The full connect URL: endpoint, params, `vsn`; relative endpoints use the page host. */
  endPointURL(): string {
    return options.endPointURL(this.endPoint, this.params(), this.vsn, this.protocol())
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

  /** Connects (a no-op while a connection is alive). Passing params here is deprecated. */
  connect(params?: SocketOptions['params']): void {
    if (params) {
      this.log(
        'socket',
        DEV ? 'passing params to connect is deprecated; pass them to the Socket' : 'deprecated',
      )
      this.params = closure(params)
    }
    if (this.life.isAlive()) return
    this.#page ??= watchPage(this, this.#pageOption, () => {
      this.reconnectTimer.reset()
      this.life.teardownThen(() => this.connect())
    })
    if (this.#fallbackMs && !isLongPoll(this.transport)) {
      this.#stopFallback?.()
      this.#stopFallback = connectWithFallback(this, LongPoll, this.#fallbackMs)
    } else {
      this.transportConnect()
    }
  }

  /** Disconnects for good (no reconnect); `callback` runs once the transport closed. */
  disconnect(callback?: () => void, code?: number, reason?: string): void {
    this.life.end()
    this.#stopFallback?.()
    this.teardown(callback, code, reason)
  }

  /** @internal Opens a new transport of the current class. */
  transportConnect(): void {
    this.life.open()
  }

  /** @internal Closes the current connection once its buffer drained, then forgets it. */
  teardown(callback?: () => void, code?: number, reason?: string): void {
    this.life.teardown(callback, code, reason)
  }

  /** Creates and registers a channel for `topic`. */
  channel(topic: string, params: Params = {}): Channel {
    const channel = new Channel(topic, params, this)
    this.channels.push(channel)
    return channel
  }

  /** Unregisters a channel and its socket callbacks. */
  remove(channel: Channel): void {
    this.off(channel.stateChangeRefs)
    this.registry.drop(channel)
  }

  /** @internal Leaves another joined/joining channel of `topic` before a (re)join. */
  leaveOpenTopic(topic: string, except?: Channel): void {
    this.registry.leaveDuplicate(topic, except)
  }

  /** The LongPoll transport class. */
  getLongPollTransport(): typeof LongPoll {
    return LongPoll
  }

  /** Sends a message now if connected, else buffers it until the next open. */
  push(data: SocketMessage, channel?: Channel): void {
    if (this.logger) {
      this.log('push', `${data.topic} ${data.event} (${data.join_ref}, ${data.ref})`, data.payload)
    }
    this.messenger.send(data, channel)
  }

  /** @internal Sends everything buffered while offline. */
  flushSendBuffer(): void {
    this.messenger.flush()
  }

  /** Sends a heartbeat and calls back with the round trip in ms; false if not connected. */
  ping(callback: (rtt: number) => void): boolean {
    return this.messenger.ping(callback)
  }

  /**
   * phoenix.js compatibility: the transport opened. The socket's transports call this; code
   * written against phoenix.js's Socket may call or wrap it too.
   */
  onConnOpen(): void {
    this.life.opened()
  }

  /**
   * phoenix.js compatibility: the transport closed. `event` may be missing (a transport that
   * calls `onclose()` bare); the socket then reconnects as after an abnormal close.
   */
  onConnClose(event?: CloseEventLike): void {
    this.life.transportClosed(event)
  }

  /** phoenix.js compatibility: the transport reported an error. */
  onConnError(error: unknown): void {
    this.life.transportErrored(error)
  }

  /** phoenix.js compatibility: a raw transport message event (`{ data }`) arrived. */
  onConnMessage(rawMessage: { data: unknown }): void {
    this.messenger.receive(rawMessage.data)
  }

  /** phoenix.js compatibility: sends a heartbeat now and waits one interval for its reply. */
  sendHeartbeat(): void {
    this.life.heartbeat.beat()
  }

  /** @internal The reconnect backoff elapsed: reconnect, unless the page is hidden. */
  reconnect(): void {
    if (this.#page?.hidden) {
      this.log('transport', DEV ? 'not reconnecting as page is hidden' : 'hidden')
      this.teardown()
      return
    }
    this.#endPointIndex = (this.#endPointIndex + 1) % this.endPoints.length
    this.life.teardownThen(() => this.connect())
  }
}
