// A lobby user as a real WebSocket client: joins room:lobby on a node (so it is tracked
// there) and records the room's presence as that node reports it: the current state, every
// presence_diff with its arrival time, and the close codes of its connection.
import { Socket as PhoenixSocket } from '@plume/testkit/phoenix'
import { Socket as PlumeSocket } from '@plume/client'
import { setTimeout as delay } from 'node:timers/promises'
import { WebSocket } from 'ws'
import { waitFor } from '@plume/testkit'

type Metas = Record<string, { metas: Array<{ phx_ref: string }> }>

/** One presence_diff as received: which (user, phx_ref) pairs joined and left. */
export interface RecordedDiff {
  readonly at: number
  readonly joins: ReadonlyArray<readonly [user: string, ref: string]>
  readonly leaves: ReadonlyArray<readonly [user: string, ref: string]>
}

interface SocketLike {
  connect(): void
  disconnect(callback?: () => void, code?: number): void
  channel(topic: string, params?: object): ChannelLike
  onClose(callback: (event: { code: number }) => void): unknown
}
interface ChannelLike {
  join(): { receive(status: string, callback: (response: unknown) => void): unknown }
  on(event: string, callback: (payload: unknown) => void): unknown
}

function pairs(m: Metas): Array<[string, string]> {
  return Object.entries(m).flatMap(([user, { metas }]) =>
    metas.map((meta): [string, string] => [user, meta.phx_ref]),
  )
}

/** A user in room:lobby that watches everyone else's presence. */
export class LobbyClient {
  /** user → phx_refs currently present, as this client's node reports them. */
  readonly state = new Map<string, Set<string>>()
  readonly diffs: RecordedDiff[] = []
  readonly closeCodes: number[] = []
  /** How many times the channel joined (1 + rejoins after reconnects). */
  joins = 0
  readonly #socket: SocketLike

  private constructor(
    readonly user: string,
    socket: SocketLike,
  ) {
    this.#socket = socket
    socket.onClose((event) => this.closeCodes.push(event.code))
    const channel = socket.channel('room:lobby', {})
    channel.on('presence_state', (payload) => this.#reset(payload as Metas))
    channel.on('presence_diff', (payload) =>
      this.#apply(payload as { joins: Metas; leaves: Metas }),
    )
    channel.join().receive('ok', () => this.joins++)
    socket.connect()
  }

  /** Joins via the official phoenix client on `url` and waits for the first presence_state. */
  static async connect(url: string, user: string): Promise<LobbyClient> {
    const socket = new PhoenixSocket(url, { transport: WebSocket, params: { user_id: user } })
    return LobbyClient.#ready(new LobbyClient(user, socket))
  }

  /** Joins via @plume/client with a URL list it rotates through on reconnects. */
  static async connectAny(urls: string[], user: string): Promise<LobbyClient> {
    const socket = new PlumeSocket(urls, { transport: WebSocket, params: { user_id: user } })
    return LobbyClient.#ready(new LobbyClient(user, socket))
  }

  // A client that never joins is closed before the error propagates: its reconnect timer
  // would otherwise keep the test process alive forever.
  static async #ready(client: LobbyClient): Promise<LobbyClient> {
    try {
      await waitFor(`${client.user} to see itself`, () => client.has(client.user), {
        timeoutMs: 10_000,
      })
    } catch (error) {
      await client.close()
      throw error
    }
    return client
  }

  /** Users currently present, sorted. */
  users(): string[] {
    return [...this.state.keys()].sort()
  }

  /** True when `user` has at least one presence (optionally with `ref`). */
  has(user: string, ref?: string): boolean {
    const refs = this.state.get(user)
    return refs !== undefined && (ref === undefined || refs.has(ref))
  }

  /** The phx_refs of `user`. */
  refs(user: string): string[] {
    return [...(this.state.get(user) ?? [])]
  }

  /** Arrival time of the first diff where `user` (with `ref`, if given) left, at or after `since`. */
  leftAt(user: string, since: number, ref?: string): number | undefined {
    const match = (l: readonly [string, string]): boolean =>
      l[0] === user && (ref === undefined || l[1] === ref)
    return this.diffs.find((d) => d.at >= since && d.leaves.some(match))?.at
  }

  /** Arrival time of the first diff where `user` joined, at or after `since`. */
  joinedAt(user: string, since: number): number | undefined {
    return this.diffs.find((d) => d.at >= since && d.joins.some(([u]) => u === user))?.at
  }

  /** Every (user, ref) that left at or after `since`. */
  leavesSince(since: number): Array<readonly [string, string]> {
    return this.diffs.filter((d) => d.at >= since).flatMap((d) => d.leaves)
  }

  /** Disconnects for good (no reconnect); waits up to 2 s for the socket to close. */
  async close(): Promise<void> {
    const bound = new AbortController()
    const closed = new Promise<void>((resolve) => this.#socket.disconnect(resolve))
    const timeout = delay(2000, undefined, { signal: bound.signal }).catch(() => undefined)
    await Promise.race([closed, timeout])
    bound.abort()
  }

  #reset(state: Metas): void {
    this.state.clear()
    for (const [user, ref] of pairs(state)) this.#add(user, ref)
  }

  #apply(diff: { joins: Metas; leaves: Metas }): void {
    const joins = pairs(diff.joins)
    const leaves = pairs(diff.leaves)
    this.diffs.push({ at: performance.now(), joins, leaves })
    for (const [user, ref] of joins) this.#add(user, ref)
    for (const [user, ref] of leaves) {
      const refs = this.state.get(user)
      refs?.delete(ref)
      if (refs?.size === 0) this.state.delete(user)
    }
  }

  #add(user: string, ref: string): void {
    const refs = this.state.get(user) ?? new Set<string>()
    refs.add(ref)
    this.state.set(user, refs)
  }
}
