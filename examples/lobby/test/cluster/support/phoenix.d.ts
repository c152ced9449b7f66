// Minimal typings for the official `phoenix` npm client (it ships none), covering what the
// cluster tests use: a socket with an injected WebSocket and one channel.
declare module 'phoenix' {
  export interface PushLike {
    receive(status: string, callback: (response: unknown) => void): PushLike
  }
  export class Channel {
    join(timeout?: number): PushLike
    on(event: string, callback: (payload: unknown) => void): number
  }
  export class Socket {
    constructor(endPoint: string, opts?: Record<string, unknown>)
    connect(): void
    disconnect(callback?: () => void, code?: number, reason?: string): void
    channel(topic: string, params?: object): Channel
    onOpen(callback: () => void): string
    onClose(callback: (event: { code: number }) => void): string
    isConnected(): boolean
  }
}
