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

const everyViewer = new Set<Viewer>()

/** Disposes every viewer ever created (teardown: no client keeps reconnecting after a test). */
export async function disposeViewers(): Promise<void> {
  const all = [...everyViewer]
  everyViewer.clear()
  await Promise.all(all.map((v) => v.dispose()))
}

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
    everyViewer.add(this)
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
    everyViewer.delete(this)
    this.channel.leave()
    return new Promise((resolve) => this.socket.disconnect(resolve))
  }
}

/** What {@link placeViewer} needs to tell where a WebSocket landed. */
export interface Placement {
  upgradesOf(user: string): string[]
}

/**
 * Connects `make()` (a WebSocket viewer of `user`) until its socket lands on a worker not in
 * `avoid`; round-robin makes a few attempts enough. Returns the viewer and its worker.
 */
export async function placeViewer(
  lobby: Placement,
  user: string,
  avoid: readonly string[],
  make: () => Viewer,
): Promise<{ viewer: Viewer; node: string }> {
  for (let attempt = 0; attempt < 6; attempt++) {
    const before = lobby.upgradesOf(user).length
    const viewer = make()
    await waitFor(
      `${user}'s WebSocket to reach a worker`,
      () => lobby.upgradesOf(user).length > before,
    )
    const node = lobby.upgradesOf(user)[before] ?? ''
    await waitFor(`${user} to join`, () => viewer.joins > 0, { timeoutMs: 20_000 })
    if (!avoid.includes(node)) return { viewer, node }
    await viewer.dispose()
  }
  throw new Error(`${user} kept landing on ${avoid.join(', ')}`)
}
