// Minimal typings for the official `phoenix` npm client (it ships none), covering what the
// interoperability tests use.
declare module 'phoenix' {
  export interface PushLike {
    receive(status: string, callback: (response: unknown) => void): PushLike
  }
  export class Channel {
    state: string
    join(timeout?: number): PushLike
    leave(timeout?: number): PushLike
    push(event: string, payload: object | ArrayBuffer, timeout?: number): PushLike
    on(
      event: string,
      callback: (payload: unknown, ref?: unknown, joinRef?: unknown) => void,
    ): number
    onError(callback: (reason?: unknown) => void): void
    onClose(callback: () => void): void
  }
  export class Socket {
    constructor(endPoint: string, opts?: Record<string, unknown>)
    connect(): void
    disconnect(callback?: () => void, code?: number, reason?: string): void
    channel(topic: string, params?: object): Channel
    onOpen(callback: () => void): string
    onClose(callback: (event: unknown) => void): string
    onError(callback: (error: unknown) => void): string
    onMessage(
      callback: (msg: {
        topic: string
        event: string
        payload: unknown
        ref: string | null
        join_ref: string | null
      }) => void,
    ): string
    isConnected(): boolean
    connectionState(): string
  }
  export class LongPoll {
    constructor(endPoint: string, protocols?: string[])
  }
}
