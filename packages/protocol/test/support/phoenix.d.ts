// Just enough typing of the official phoenix.js client (which ships none) for the
// compatibility tests: its default V2 serializer.

declare module 'phoenix' {
  interface PhoenixMessage {
    join_ref: string | null
    ref: string | null
    topic: string
    event: string
    payload: unknown
  }
  export const Serializer: {
    encode(msg: PhoenixMessage, callback: (frame: string | ArrayBuffer) => void): void
    decode(raw: string | ArrayBuffer, callback: (msg: PhoenixMessage) => void): void
  }
}
