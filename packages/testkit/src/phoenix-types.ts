// Types of the official phoenix.js client (1.8) as tests and benchmarks use it: Socket and
// its options, Channel, Push, Presence (instance and static API), LongPoll and Serializer.
// Written from the client's documented API; payloads are `unknown` unless the caller says.

/** One decoded message as phoenix.js passes it around (V2 wire fields). */
export interface Message {
  join_ref: string | null
  ref: string | null
  topic: string
  event: string
  payload: unknown
}

/** A transport class phoenix.js can instantiate (WebSocket, `ws`'s WebSocket, LongPoll). */
export type TransportConstructor = new (endPoint: string) => object

/** Options of `new Socket(endPoint, opts)`. */
export interface SocketOptions {
  /** The transport class; phoenix.js defaults to the global WebSocket. */
  transport?: TransportConstructor
  /** Falls back to LongPoll when the primary transport has not opened within this time. */
  longPollFallbackMs?: number
  /** Connect params, sent in the query string (a function is called on each connect). */
  params?: object | (() => object)
  /** Token sent in the `Sec-WebSocket-Protocol` header (a function is called on each connect). */
  authToken?: string | (() => string)
  /** Default push timeout in milliseconds. */
  timeout?: number
  heartbeatIntervalMs?: number
  /** Delay before reconnect attempt `tries` (1-based). */
  reconnectAfterMs?: (tries: number) => number
  /** Delay before channel rejoin attempt `tries` (1-based). */
  rejoinAfterMs?: (tries: number) => number
  logger?: (kind: string, msg: string, data: unknown) => void
  longpollerTimeout?: number
  encode?: (msg: Message, callback: (frame: string | ArrayBuffer) => void) => void
  decode?: (raw: string | ArrayBuffer, callback: (msg: Message) => void) => void
  /** Serializer version sent on connect (`vsn`). */
  vsn?: string
  binaryType?: 'arraybuffer' | 'blob'
  sessionStorage?: Pick<Storage, 'getItem' | 'setItem' | 'removeItem'>
  debug?: boolean
}

/** A push's reply handle: `receive('ok' | 'error' | 'timeout', callback)`, chainable. */
export interface Push {
  receive<T = unknown>(status: string, callback: (response: T) => void): Push
}

/** A joined (or joining) topic on a socket. */
export interface Channel {
  readonly topic: string
  /** `closed`, `errored`, `joined`, `joining` or `leaving`. */
  state: string
  join(timeout?: number): Push
  leave(timeout?: number): Push
  push(event: string, payload: object | ArrayBuffer, timeout?: number): Push
  on<T = unknown>(
    event: string,
    callback: (payload: T, ref?: unknown, joinRef?: unknown) => void,
  ): number
  off(event: string, ref?: number): void
  onError(callback: (reason?: unknown) => void): void
  onClose(callback: () => void): void
}

/** A phoenix.js socket. */
export interface Socket {
  connect(params?: object): void
  disconnect(callback?: () => void, code?: number, reason?: string): void
  channel(topic: string, params?: object | (() => object)): Channel
  onOpen(callback: () => void): string
  onClose<E = { code: number; reason?: string; wasClean?: boolean }>(
    callback: (event: E) => void,
  ): string
  onError(callback: (error: unknown) => void): string
  onMessage(callback: (msg: Message) => void): string
  off(refs: string[]): void
  isConnected(): boolean
  /** `connecting`, `open`, `closing` or `closed`. */
  connectionState(): string
  endPointURL(): string
}

/** `new Socket(endPoint, opts)`. */
export type SocketConstructor = new (endPoint: string, opts?: SocketOptions) => Socket

/** One presence key's entry: its metas, each with a `phx_ref` (a server may add fields). */
export interface PresenceEntry {
  metas: Array<Record<string, unknown>>
}

/** Presence state: key → entry. */
export type PresenceState = Record<string, PresenceEntry>

/** A `presence_diff` payload. */
export interface PresenceDiff {
  joins: PresenceState
  leaves: PresenceState
}

/** Join callback: `current` is undefined when the key was not present before. */
export type OnJoin = (
  key: string,
  current: PresenceEntry | undefined,
  joined: PresenceEntry,
) => void
/** Leave callback: `current` holds what remains of the key. */
export type OnLeave = (key: string, current: PresenceEntry, left: PresenceEntry) => void

/** A channel's presence as phoenix.js tracks it (instance API). */
export interface Presence {
  onJoin(callback: OnJoin): void
  onLeave(callback: OnLeave): void
  onSync(callback: () => void): void
  list<T = PresenceEntry>(by?: (key: string, presence: PresenceEntry) => T): T[]
}

/** The Presence class: constructor plus the static sync API. */
export interface PresenceConstructor {
  new (channel: Channel, opts?: { events?: { state: string; diff: string } }): Presence
  syncState<S extends object>(current: S, next: S, onJoin?: OnJoin, onLeave?: OnLeave): S
  syncDiff<S extends object>(
    state: S,
    diff: { joins: S; leaves: S },
    onJoin?: OnJoin,
    onLeave?: OnLeave,
  ): S
  list<T = PresenceEntry>(
    presences: object,
    chooser?: (key: string, presence: PresenceEntry) => T,
  ): T[]
}

/** phoenix.js's long-poll transport (pass the class as `transport`). */
export interface LongPoll {
  readonly endPoint: string
  close(code?: number, reason?: string): void
}

/** `new LongPoll(endPoint, protocols)`. */
export type LongPollConstructor = new (endPoint: string, protocols?: string[]) => LongPoll

/** The default V2 serializer object. */
export interface Serializer {
  encode(msg: Message, callback: (frame: string | ArrayBuffer) => void): void
  decode(raw: string | ArrayBuffer, callback: (msg: Message) => void): void
}
