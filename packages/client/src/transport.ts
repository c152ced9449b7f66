// The transport contract: anything constructed as `new T(url, protocols)` that behaves like
// a WebSocket (readyState, send, close, on* handlers). The browser WebSocket, `ws` in Node
// and our LongPoll all fit; the socket wires the handlers itself.

/** The close event fields the socket reads. */
export interface CloseEventLike {
  code: number
  reason?: string
  wasClean?: boolean
}

/** What the socket needs from a transport instance. */
export interface TransportLike {
  readonly readyState: number
  readonly bufferedAmount?: number
  send(data: string | ArrayBuffer | ArrayBufferView): void
  close(code?: number, reason?: string): void
}

/** The handler slots the socket assigns (typed loosely so `ws` and DOM WebSocket both fit). */
export interface WiredTransport extends TransportLike {
  onopen: ((event: unknown) => void) | null
  onerror: ((error: unknown) => void) | null
  onmessage: ((event: { data: unknown }) => void) | null
  onclose: ((event: CloseEventLike) => void) | null
  binaryType?: string
  timeout?: number
  skipHeartbeat?: boolean
}

/** A transport class: `WebSocket`, `LongPoll`, or `WebSocket` from the `ws` package. */
export type TransportConstructor = new (url: string, protocols?: string[]) => TransportLike
