// Lobby clusters for the cross-node system benchmarks: a private broker (Redis or NATS, via
// @plume/testkit, so runs never see each other's nodes) and lobby processes joined through it,
// plus a watcher: a raw-protocol client on one node that reports when keys come and go.
import { startBroker, type Broker, type BrokerKind } from '@plume/testkit'
import { startLobby, type Lobby } from './procs.js'
import { lobbyUrl, WireClient } from './wire-client.js'

/** A broker and the lobbies using it. */
export interface Cluster {
  readonly broker: Broker
  readonly nodes: Lobby[]
  /** Starts one more node named `name`. */
  add(name: string, nodeArgs?: string[]): Promise<Lobby>
  stop(): Promise<void>
}

export async function startCluster(
  kind: BrokerKind,
  env: Record<string, string>,
  names: readonly string[],
): Promise<Cluster> {
  const broker = await startBroker(kind)
  const nodes: Lobby[] = []
  const add = async (name: string, nodeArgs: string[] = []): Promise<Lobby> => {
    const node = await startLobby({ ...env, PUBSUB_URL: broker.url, NODE_NAME: name }, nodeArgs)
    nodes.push(node)
    return node
  }
  for (const name of names) await add(name)
  return {
    broker,
    nodes,
    add,
    async stop() {
      await Promise.all(nodes.map((n) => n.stop('SIGKILL')))
      await broker.stop()
    },
  }
}

type Waiter = { index: number; present: boolean; done: (at: number) => void }

/** A client on one node that resolves waits on keys appearing or going. */
export class Watcher {
  readonly client: WireClient
  readonly #waiters = new Set<Waiter>()
  #onChange: ((index: number, present: boolean) => void) | undefined

  constructor(port: number, selfIndex: number, maxKeys: number) {
    this.client = new WireClient(lobbyUrl(port, selfIndex), 'room:lobby', maxKeys, (i, p) => {
      const at = performance.now()
      this.#onChange?.(i, p)
      for (const w of this.#waiters)
        if (w.index === i && w.present === p) {
          this.#waiters.delete(w)
          w.done(at)
        }
    })
  }

  /** Resolves with the moment (performance.now) key `u<index>` reaches `present`. */
  when(index: number, present: boolean): Promise<number> {
    if (this.client.has(index) === present) return Promise.resolve(performance.now())
    return new Promise((done) => this.#waiters.add({ index, present, done }))
  }

  /** Calls `f` on every key change (one listener). */
  onChange(f: ((index: number, present: boolean) => void) | undefined): void {
    this.#onChange = f
  }
}

/** Percentile (nearest rank) of sorted values. */
export function pct(sorted: readonly number[], p: number): number {
  return (
    sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))] ??
    Number.NaN
  )
}
