// Cross-server barrier for NATS cluster tests. A server tells its routes about a new
// subscription asynchronously, so when a subscriber's flush() returns, other servers may not
// know about it yet and drop messages published there. settle() proves they caught up: on
// each server it subscribes a fresh probe subject, and each other server publishes to it
// until a probe arrives. Interest travels over a route in order, so a probe getting through
// means everything subscribed on that server before it has reached the other server too.
import { randomUUID } from 'node:crypto'
import { connect } from 'nats'
import type { NatsConnection } from 'nats'
import { TestkitError, waitFor } from '@plume/testkit'

const RETRY_MS = 50
const ATTEMPTS = 100 // 5 s at most per server

interface Probe {
  readonly index: number
  readonly nc: NatsConnection
}

/** One plain connection per server of a cluster, used only to probe the routes. */
export class InterestBarrier {
  readonly #probes: readonly Probe[]

  private constructor(probes: readonly Probe[]) {
    this.#probes = probes
  }

  /** Connects once to each URL; each connection stays on its server and never reconnects. */
  static async open(urls: readonly string[]): Promise<InterestBarrier> {
    const connections = await Promise.all(
      urls.map((url) =>
        connect({ servers: url, ignoreClusterUpdates: true, maxReconnectAttempts: 0 }),
      ),
    )
    return new InterestBarrier(connections.map((nc, index) => ({ index, nc })))
  }

  /**
   * Resolves once every live server knows every subscription that was registered on any
   * other live server before the call. Servers that died are skipped.
   */
  async settle(): Promise<void> {
    const live = this.#probes.filter((p) => !p.nc.isClosed())
    await Promise.all(live.map((p) => reach(p, live)))
  }

  /** Closes the probe connections. */
  async close(): Promise<void> {
    await Promise.allSettled(this.#probes.map((p) => p.nc.close()))
  }
}

// Retries probes from every other server until each one got through to `target`.
async function reach(target: Probe, all: readonly Probe[]): Promise<void> {
  const subject = `barrier.${randomUUID()}`
  const seen = new Set<number>()
  const sub = target.nc.subscribe(subject, {
    callback: (error, msg) => {
      if (error === null) seen.add(Number(new TextDecoder().decode(msg.data)))
    },
  })
  try {
    await target.nc.flush() // the server has the SUB and queued it to its routes
    const others = all.filter((p) => p !== target)
    for (let attempt = 0; attempt < ATTEMPTS; attempt++) {
      const missing = others.filter((p) => !seen.has(p.index))
      if (missing.length === 0) return
      for (const p of missing) p.nc.publish(subject, new TextEncoder().encode(String(p.index)))
      await Promise.all(missing.map((p) => p.nc.flush()))
      const arrived = (): boolean => missing.every((p) => seen.has(p.index))
      await waitFor('probes', arrived, { timeoutMs: RETRY_MS }).catch(() => undefined)
    }
    throw new TestkitError('TIMEOUT', `server ${target.index + 1} never saw probes from all`)
  } finally {
    sub.unsubscribe()
  }
}
