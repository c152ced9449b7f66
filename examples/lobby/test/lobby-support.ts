// Shared helpers of the lobby tests: a lobby node on 127.0.0.1:0, official phoenix.js clients
// whose presence view the tests read, and a bounded wait for the counts those clients show.
import { dirname, resolve } from 'node:path'
import { fileURLToPath } from 'node:url'
import { waitFor } from '@plume/testkit'
import { Presence, Socket, type Channel, type PresenceEntry } from '@plume/testkit/phoenix'
import { WebSocket } from 'ws'
import { PubSub, silentLogger } from '@plume/pubsub'
import type { Scheduler } from '@plume/tracker'
import { createLobby, type Lobby } from '../src/lobby.js'

export const PUBLIC_DIR = resolve(dirname(fileURLToPath(import.meta.url)), '../public')

export interface LobbyNode {
  readonly lobby: Lobby
  readonly port: number
  readonly url: string
}

/** Starts a lobby node on an ephemeral loopback port. */
export async function startLobby(
  options: {
    pubsub?: PubSub
    publicDir?: string
    broadcastPeriod?: number
    downPeriod?: number
    permdownPeriod?: number
    scheduler?: Scheduler
  } = {},
): Promise<LobbyNode> {
  const lobby = createLobby({
    publicDir: PUBLIC_DIR,
    logger: silentLogger,
    ...options,
    pubsub: options.pubsub ?? new PubSub({ logger: silentLogger }),
  })
  const port = await lobby.listen(0, '127.0.0.1')
  return { lobby, port, url: `http://127.0.0.1:${port}` }
}

/** An official phoenix.js client joined to a topic, with a Presence and a log of callbacks. */
export class Client {
  readonly socket: Socket
  readonly channel: Channel
  readonly presence: Presence
  readonly leaves: Array<{
    key: string
    currentMetas: number
    leftMetas: number
    refs: unknown[]
  }> = []
  readonly diffs: Array<{
    joins: Record<string, PresenceEntry>
    leaves: Record<string, PresenceEntry>
  }> = []
  readonly states: Array<Record<string, PresenceEntry>> = []
  syncs = 0

  constructor(url: string, userId: string, topic = 'room:lobby', path = '/socket') {
    this.socket = new Socket(`${url.replace('http', 'ws')}${path}`, {
      transport: WebSocket,
      params: { user_id: userId },
      reconnectAfterMs: () => 50,
      rejoinAfterMs: () => 50,
    })
    this.channel = this.socket.channel(topic, {})
    this.presence = new Presence(this.channel)
    this.presence.onSync(() => this.syncs++)
    this.presence.onLeave((key, current, left) =>
      this.leaves.push({
        key,
        currentMetas: current.metas.length,
        leftMetas: left.metas.length,
        refs: left.metas.map((m) => m['phx_ref']),
      }),
    )
    this.channel.on('presence_state', (state: Record<string, PresenceEntry>) =>
      this.states.push(state),
    )
    this.channel.on('presence_diff', (diff: Client['diffs'][number]) => this.diffs.push(diff))
    this.socket.connect()
    this.channel.join()
  }

  /** The phx_refs of a key as the client's Presence sees it. */
  refs(key: string): unknown[] {
    return this.presence.list((k, p) => (k === key ? p.metas.map((m) => m['phx_ref']) : [])).flat()
  }

  /** `{key: number of metas}` as the client's Presence sees it. */
  counts(): Record<string, number> {
    return Object.fromEntries(this.presence.list((key, p) => [key, p.metas.length] as const))
  }

  /** Closes the socket (the server sees the connection end) and waits for it. */
  close(): Promise<void> {
    return new Promise((resolve) => this.socket.disconnect(resolve))
  }

  /** Teardown: leaves the channel first, so phoenix.js drops its push and rejoin timers too. */
  dispose(): Promise<void> {
    this.channel.leave()
    return this.close()
  }
}

/** Waits until `client` sees exactly `expected` as `{key: count}`. */
export function waitForCounts(
  client: Client,
  expected: Record<string, number>,
  label: string,
): Promise<void> {
  const same = (): boolean =>
    JSON.stringify(sorted(client.counts())) === JSON.stringify(sorted(expected))
  return waitFor(label, same, { describe: () => client.counts() })
}

function sorted(map: Record<string, number>): Array<[string, number]> {
  return Object.entries(map).sort(([a], [b]) => a.localeCompare(b))
}
