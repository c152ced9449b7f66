// A test cluster: one private broker, lobby node processes named a, b, c…, and the clients
// connected to them. Owns everything it starts and tears all of it down, even after a
// failed test, so a suite never leaks processes or sockets.
import { setTimeout as delay } from 'node:timers/promises'
import { startBroker, waitFor, type Broker, type BrokerKind } from '@plume/testkit'
import { LobbyNode } from './lobby-node.js'
import { LobbyClient } from './watcher.js'

/**
 * Tracker periods of every test node: short, but far above scheduling noise on 2 cores. The
 * down period must exceed a node restart (the restart scenario proves a new incarnation
 * replaces the old one before the down period could), which takes 1.3–4 s on a busy machine.
 */
export const PERIODS = {
  broadcast: 100,
  down: 6000,
  permdown: 20_000,
  nodeTtl: 500,
  reconnect: 250,
} as const

/** The environment every test node gets (on top of NODE_NAME, PORT=0 and PUBSUB_URL). */
export function nodeEnv(
  broker: Broker,
  extra: Record<string, string> = {},
): Record<string, string> {
  return {
    PUBSUB_URL: broker.url,
    TRACKER_BROADCAST_PERIOD_MS: String(PERIODS.broadcast),
    TRACKER_DOWN_PERIOD_MS: String(PERIODS.down),
    TRACKER_PERMDOWN_PERIOD_MS: String(PERIODS.permdown),
    PUBSUB_NODE_TTL_MS: String(PERIODS.nodeTtl),
    PUBSUB_RECONNECT_MS: String(PERIODS.reconnect),
    // Metrics are not under test here; leaving prom-client out makes nodes start faster.
    METRICS: 'false',
    ...extra,
  }
}

/** A broker, its lobby nodes and their clients. */
export class Cluster {
  readonly nodes = new Map<string, LobbyNode>()
  readonly #clients = new Set<LobbyClient>()
  readonly #finished: LobbyNode[] = []

  private constructor(readonly broker: Broker) {}

  /** Starts a private broker of `kind` and the nodes `names` in parallel. */
  static async start(kind: BrokerKind, names: string[]): Promise<Cluster> {
    const cluster = new Cluster(await startBroker(kind))
    const started = await Promise.allSettled(names.map((name) => cluster.startNode(name)))
    const failed = started.find((r) => r.status === 'rejected')
    if (failed !== undefined) {
      // The suite never sees a half-started cluster, so it cannot tear it down: do it here.
      await cluster.teardown()
      throw failed.reason
    }
    return cluster
  }

  /** The running node `name`. */
  node(name: string): LobbyNode {
    const node = this.nodes.get(name)
    if (node === undefined) throw new Error(`no running node ${name}`)
    return node
  }

  /** Starts node `name` (replacing a dead one of that name). */
  async startNode(name: string, extraEnv: Record<string, string> = {}): Promise<LobbyNode> {
    const old = this.nodes.get(name)
    if (old !== undefined) this.#finished.push(old)
    this.nodes.delete(name)
    const node = await LobbyNode.start(name, nodeEnv(this.broker, extraEnv))
    this.nodes.set(name, node)
    return node
  }

  /**
   * Starts node `name` the way a supervisor restarts a crashed process: a refusal because the
   * dead predecessor's name claim has not expired yet is retried until `timeoutMs`.
   * @returns the node and how many refused attempts came first.
   */
  async restartNode(
    name: string,
    timeoutMs: number,
  ): Promise<{ node: LobbyNode; refused: number }> {
    const deadline = performance.now() + timeoutMs
    for (let refused = 0; ; refused++) {
      try {
        return { node: await this.startNode(name), refused }
      } catch (error) {
        if (!/DUPLICATE_NODE|already used/.test(String(error))) throw error
        if (performance.now() > deadline) throw error
        await delay(50)
      }
    }
  }

  /** Connects a phoenix.js client for `user` to node `name`; closed at teardown. */
  async client(name: string, user: string): Promise<LobbyClient> {
    return this.#own(await LobbyClient.connect(this.node(name).socketUrl, user))
  }

  /** Connects a @plume/client socket that rotates through `names`' URLs on reconnect. */
  async roamingClient(names: string[], user: string): Promise<LobbyClient> {
    const urls = names.map((n) => this.node(n).socketUrl)
    return this.#own(await LobbyClient.connectAny(urls, user))
  }

  /** Closes one client now (it will not reconnect). */
  async drop(client: LobbyClient): Promise<void> {
    this.#clients.delete(client)
    await client.close()
  }

  /** Closes every client except `keep`. */
  async dropAllExcept(keep: LobbyClient[]): Promise<void> {
    const doomed = [...this.#clients].filter((c) => !keep.includes(c))
    await Promise.all(doomed.map((c) => this.drop(c)))
  }

  /** Waits until every client in `watchers` sees exactly `users` (sorted comparison). */
  async converge(watchers: LobbyClient[], users: string[], timeoutMs: number): Promise<void> {
    const want = JSON.stringify([...users].sort())
    await waitFor(
      `every watcher to see ${want}`,
      () => watchers.every((w) => JSON.stringify(w.users()) === want),
      { timeoutMs, describe: () => watchers.map((w) => ({ [w.user]: w.users() })) },
    )
  }

  /** SIGKILLs every node and the broker and closes every client; never throws. */
  async teardown(): Promise<void> {
    await Promise.allSettled([...this.#clients].map((c) => c.close()))
    this.#clients.clear()
    const nodes = [...this.nodes.values(), ...this.#finished]
    await Promise.allSettled(nodes.map((n) => n.stop('SIGKILL')))
    await this.broker.kill()
  }

  #own(client: LobbyClient): LobbyClient {
    this.#clients.add(client)
    return client
  }
}
