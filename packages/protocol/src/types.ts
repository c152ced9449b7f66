// Wire-level types shared by the server and the client. A Message is the decoded form of
// one frame, whatever the serializer: V2 `[join_ref, ref, topic, event, payload]`, the V1
// object, or a V2 binary frame (spec: docs/protocol.md).

/** A decoded Phoenix message. Binary payloads are `Uint8Array`s. */
export interface Message<TPayload = unknown> {
  /** Ref of the `phx_join` that opened the channel instance, or null. */
  readonly joinRef: string | null
  /** Per-message ref from the client (echoed on replies), or null for pushes/broadcasts. */
  readonly ref: string | null
  readonly topic: string
  readonly event: string
  readonly payload: TPayload
}

/** The payload of a `phx_reply`. */
export interface ReplyPayload<TResponse = unknown> {
  readonly status: string
  readonly response: TResponse
}

/** One WebSocket frame: text or binary. */
export type Frame = string | Uint8Array

/**
 * The server's view of a serializer: decodes what clients send, encodes what the server
 * sends (server layouts for binary push, reply and broadcast).
 */
export interface ServerSerializer {
  /** The version requirement this serializer answers, e.g. "~> 2.0.0". */
  readonly requirement: string
  /** Short name used for encode-once caches, e.g. "v2". */
  readonly id: string
  /** Throws `ProtocolError` on malformed input. */
  decode(frame: Frame): Message
  /** Throws `ProtocolError` when the message cannot be encoded (e.g. a 256-byte topic). */
  encode(message: Message): Frame
}

/** The client's view: encodes client pushes, decodes server frames. */
export interface ClientSerializer {
  encode(message: Message): Frame
  decode(frame: Frame): Message
}
