// A private NATS cluster for tests: n nats-server processes on free loopback ports, each
// routed to all the others, with HTTP monitoring on so a test can wait until the routes are
// up (/routez) and see which server a client is connected to (/connz).
import { get } from 'node:http'
import { Broker } from './brokers.js'
import { TestkitError } from './errors.js'
import { freePort } from './net.js'
import { waitFor } from './wait.js'

/** One server of a {@link NatsCluster}. */
export interface NatsClusterMember {
  /** The process; `kill()` and `restart()` keep its ports and routes. */
  readonly broker: Broker
  /** Server name (`s1`, `s2`, …), as in the server's own logs and monitoring. */
  readonly name: string
  /** Port of the route listener (`--cluster`). */
  readonly clusterPort: number
  /** Port of the HTTP monitoring endpoint (`-m`). */
  readonly monitorPort: number
}

/** Options of {@link startNatsCluster}. */
export interface NatsClusterOptions {
  /** Bound on waiting for the full mesh of routes, in ms (default 5000). */
  readonly timeoutMs?: number
}

const HTTP_TIMEOUT_MS = 1000

// Plain GET without keep-alive, so no socket outlives the request.
function getJson(port: number, path: string): Promise<unknown> {
  return new Promise((resolve, reject) => {
    const req = get({ host: '127.0.0.1', port, path, agent: false }, (res) => {
      let body = ''
      res.setEncoding('utf8')
      res.on('data', (chunk: string) => (body += chunk))
      res.on('error', reject)
      res.on('end', () => {
        try {
          resolve(JSON.parse(body))
        } catch (error) {
          reject(error instanceof Error ? error : new Error(String(error)))
        }
      })
    })
    req.on('error', reject)
    req.setTimeout(HTTP_TIMEOUT_MS, () => {
      req.destroy(new TestkitError('TIMEOUT', `GET ${path} on port ${port} timed out`))
    })
  })
}

// Distinct ports: freePort() may hand the same just-released port out twice.
async function distinctPorts(count: number): Promise<number[]> {
  const ports = new Set<number>()
  for (let attempt = 0; ports.size < count && attempt < count * 10; attempt++) {
    ports.add(await freePort())
  }
  if (ports.size < count) throw new TestkitError('INVALID_STATE', `no ${count} distinct ports`)
  return [...ports]
}

/** Remote server ids of `member`'s routes, or `undefined` if monitoring did not answer. */
async function routeIds(member: NatsClusterMember): Promise<string[] | undefined> {
  try {
    const body = (await getJson(member.monitorPort, '/routez')) as {
      routes?: { remote_id?: string }[] | null
    }
    return (body.routes ?? []).map((r) => r.remote_id ?? '')
  } catch {
    return undefined
  }
}

/** Servers started by {@link startNatsCluster}. */
export class NatsCluster {
  /** The servers, in start order. */
  readonly members: readonly NatsClusterMember[]

  /** Prefer {@link startNatsCluster}, which starts the members this wraps. */
  constructor(members: readonly NatsClusterMember[]) {
    this.members = members
  }

  /** `nats://` client URLs of all servers, in member order. */
  get urls(): string[] {
    return this.members.map((m) => m.broker.url)
  }

  /** Member `index`; throws `INVALID_STATE` when there is none. */
  member(index: number): NatsClusterMember {
    const member = this.members[index]
    if (member === undefined) throw new TestkitError('INVALID_STATE', `no cluster member ${index}`)
    return member
  }

  /**
   * Resolves once every running server has exactly one route to every other running server
   * (duplicate routes, which appear while two servers dial each other, are gone too).
   */
  async waitForRoutes(timeoutMs = 5000): Promise<void> {
    let seen: (string[] | undefined)[] = []
    await waitFor(
      'the NATS cluster routes',
      async () => {
        const running = this.members.filter((m) => m.broker.running)
        const others = running.length - 1
        seen = await Promise.all(running.map(routeIds))
        return seen.every((ids) => ids?.length === others && new Set(ids).size === others)
      },
      { timeoutMs, intervalMs: 25, describe: () => seen },
    )
  }

  /** Names of the client connections open on member `index` (clients without a name omitted). */
  async clientNames(index: number): Promise<string[]> {
    const body = (await getJson(this.member(index).monitorPort, '/connz?limit=1024')) as {
      connections?: { name?: string }[] | null
    }
    return (body.connections ?? []).flatMap((c) => (c.name === undefined ? [] : [c.name]))
  }

  /** Kills every server; safe to call twice and after a partial start. */
  async stop(): Promise<void> {
    await Promise.allSettled(this.members.map((m) => m.broker.stop()))
  }
}

/**
 * Starts `size` clustered nats-server processes on free loopback ports (client, route and
 * monitoring port each) and resolves once the full mesh of routes is up. Kills what it
 * started when that fails.
 */
export async function startNatsCluster(
  size: number,
  options: NatsClusterOptions = {},
): Promise<NatsCluster> {
  if (!Number.isInteger(size) || size < 2) {
    throw new TestkitError('INVALID_STATE', `a NATS cluster needs 2 or more servers, not ${size}`)
  }
  const ports = await distinctPorts(size * 3)
  const plan = Array.from({ length: size }, (_, i) => ({
    name: `s${i + 1}`,
    port: ports[i * 3] ?? 0,
    clusterPort: ports[i * 3 + 1] ?? 0,
    monitorPort: ports[i * 3 + 2] ?? 0,
  }))
  const route = (p: { clusterPort: number }): string => `nats://127.0.0.1:${p.clusterPort}`
  const started = await Promise.allSettled(
    plan.map(async (p) => {
      const routes = plan.filter((other) => other !== p).map(route)
      const args = ['-n', p.name, '-m', String(p.monitorPort), '--cluster_name', 'plume-test']
      args.push('--cluster', route(p), '--routes', routes.join(','))
      const broker = await Broker.start('nats', { port: p.port, args })
      return { broker, name: p.name, clusterPort: p.clusterPort, monitorPort: p.monitorPort }
    }),
  )
  const members = started.flatMap((r) => (r.status === 'fulfilled' ? [r.value] : []))
  const cluster = new NatsCluster(members)
  try {
    const failed = started.find((r) => r.status === 'rejected')
    if (failed !== undefined) throw failed.reason
    await cluster.waitForRoutes(options.timeoutMs)
    return cluster
  } catch (error) {
    await cluster.stop()
    throw error
  }
}
