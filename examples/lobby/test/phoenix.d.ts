// Minimal typings for the official `phoenix` npm client (it ships none), covering what the
// lobby tests use: Socket, Channel and the Presence helper.
/* eslint-disable @typescript-eslint/no-explicit-any -- phoenix.js is untyped */
declare module 'phoenix' {
  export interface PushLike {
    receive(status: string, callback: (response: any) => void): PushLike
  }
  export class Channel {
    state: string
    join(timeout?: number): PushLike
    leave(timeout?: number): PushLike
    push(event: string, payload: object, timeout?: number): PushLike
    on(event: string, callback: (payload: any) => void): number
    onError(callback: (reason?: any) => void): void
    onClose(callback: () => void): void
  }
  export class Socket {
    constructor(endPoint: string, opts?: Record<string, unknown>)
    connect(): void
    disconnect(callback?: () => void, code?: number, reason?: string): void
    channel(topic: string, params?: object): Channel
    onOpen(callback: () => void): string
    onClose(callback: (event: any) => void): string
    isConnected(): boolean
  }
  export interface PresenceEntry {
    metas: Array<Record<string, unknown>>
    [extra: string]: unknown
  }
  export class Presence {
    constructor(channel: Channel, opts?: { events?: { state: string; diff: string } })
    onJoin(
      cb: (key: string, current: PresenceEntry | undefined, joined: PresenceEntry) => void,
    ): void
    onLeave(cb: (key: string, current: PresenceEntry, left: PresenceEntry) => void): void
    onSync(cb: () => void): void
    list<T = PresenceEntry>(by?: (key: string, presence: PresenceEntry) => T): T[]
    static list<T = PresenceEntry>(
      presences: object,
      by?: (key: string, presence: PresenceEntry) => T,
    ): T[]
  }
}
