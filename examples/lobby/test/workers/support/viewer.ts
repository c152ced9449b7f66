// A lobby user through either client library (the official phoenix.js or @plume/client,
// whose APIs match): joins room:lobby and keeps the presence view the tests read.
import { waitFor } from '@plume/testkit'

interface ChannelLike {
  join(): { receive(status: string, cb: (r: unknown) => void): unknown }
  leave(): unknown
}
interface SocketLike {
  channel(topic: string, params?: object): ChannelLike
  connect(): void
  disconnect(cb?: () => void): void
}
interface PresenceLike {
  list<T>(chooser: (key: string, p: { metas: Array<Record<string, unknown>> }) => T): T[]
}
type SocketClass = new (url: string, opts: object) => unknown
type PresenceClass = new (channel: never) => unknown

/** One connected, joined user. */
export class Viewer {
  readonly socket: SocketLike
  readonly channel: ChannelLike
  readonly presence: PresenceLike
  joins = 0

  constructor(
    lib: { Socket: SocketClass; Presence: PresenceClass },
    url: string,
    user: string,
    transport: unknown,
  ) {
    this.socket = new lib.Socket(`${url.replace('http', 'ws')}/socket`, {
      transport,
      params: { user_id: user },
      reconnectAfterMs: () => 100,
      rejoinAfterMs: () => 100,
    }) as SocketLike
    this.channel = this.socket.channel('room:lobby', {})
    this.presence = new lib.Presence(this.channel as never) as PresenceLike
    this.socket.connect()
    this.channel.join().receive('ok', () => this.joins++)
  }

  /** `{user: number of metas}` as this client sees it. */
  counts(): Record<string, number> {
    return Object.fromEntries(this.presence.list((key, p) => [key, p.metas.length] as const))
  }

  /** The phx_refs of `user` as this client sees them. */
  refs(user: string): unknown[] {
    return this.presence.list((k, p) => (k === user ? p.metas.map((m) => m['phx_ref']) : [])).flat()
  }

  /** Waits until this client sees exactly `expected`. */
  sees(expected: Record<string, number>, label: string, timeoutMs = 20_000): Promise<void> {
    const key = (m: Record<string, number>) => JSON.stringify(Object.entries(m).sort())
    return waitFor(label, () => key(this.counts()) === key(expected), {
      timeoutMs,
      describe: () => this.counts(),
    })
  }

  /** Leaves the channel and closes the socket. */
  dispose(): Promise<void> {
    this.channel.leave()
    return new Promise((resolve) => this.socket.disconnect(resolve))
  }
}
