// Test support for Presence: a single node (PubSub + Tracker on virtual time + Endpoint as
// the sink), a pubsub spy that records `presence_diff` broadcasts as a client would see them
// (JSON round-tripped), a fake channel whose end the test controls, and deferred promises.
import { PubSub, silentLogger } from '@plume/pubsub'
import { ManualScheduler, Tracker } from '@plume/tracker'
import {
  Endpoint,
  Presence,
  type DiffPayload,
  type PresenceChannel,
  type PresenceOptions,
} from '@plume/server'

export interface Harness {
  readonly pubsub: PubSub
  readonly tracker: Tracker
  readonly endpoint: Endpoint
  readonly presence: Presence
  readonly errors: unknown[]
  /** Records the diffs broadcast on `topic` from now on. */
  spy(topic: string): DiffPayload[]
  close(): Promise<void>
}

/** A started single-node Presence; `close` tears everything down. */
export async function harness(options: Partial<PresenceOptions> = {}): Promise<Harness> {
  const pubsub = new PubSub({ nodeName: 'n1', logger: silentLogger })
  const tracker = new Tracker({ pubsub, scheduler: new ManualScheduler(), logger: silentLogger })
  const endpoint = new Endpoint({ pubsub, logger: silentLogger })
  const errors: unknown[] = []
  const presence = new Presence({
    tracker,
    sink: endpoint,
    onError: (e) => errors.push(e),
    ...options,
  })
  await presence.start()
  return {
    pubsub,
    tracker,
    endpoint,
    presence,
    errors,
    spy(topic) {
      const seen: DiffPayload[] = []
      pubsub.subscribe(topic, (message) => {
        const m = message as { event: string; payload: unknown }
        if (m.event === 'presence_diff')
          seen.push(JSON.parse(JSON.stringify(m.payload)) as DiffPayload)
      })
      return seen
    },
    async close() {
      await presence.stop()
      await endpoint.close()
      await pubsub.close()
    },
  }
}

/** A channel stand-in: `end()` runs its terminate hooks as a real channel exit would. */
export class FakeChannel implements PresenceChannel {
  readonly #hooks = new Set<() => void>()
  #ended = false
  constructor(
    readonly ownerId: string,
    readonly topic: string,
  ) {}

  onTerminate(fn: () => void): () => void {
    if (this.#ended) {
      fn()
      return () => undefined
    }
    this.#hooks.add(fn)
    return () => void this.#hooks.delete(fn)
  }

  end(): void {
    this.#ended = true
    for (const fn of [...this.#hooks]) fn()
    this.#hooks.clear()
  }

  get hookCount(): number {
    return this.#hooks.size
  }
}

export interface Deferred<T> {
  readonly promise: Promise<T>
  resolve(value: T): void
  reject(error: unknown): void
}

export function deferred<T>(): Deferred<T> {
  let resolve!: (value: T) => void
  let reject!: (error: unknown) => void
  const promise = new Promise<T>((res, rej) => {
    resolve = res
    reject = rej
  })
  return { promise, resolve, reject }
}

/** Lets every pending microtask and I/O callback run (one event-loop turn, no timer). */
export function turn(): Promise<void> {
  return new Promise((resolve) => setImmediate(resolve))
}

/** Key -> sorted phx_refs of a presence map, to compare content regardless of meta order. */
export function refsByKey(
  map: Record<string, { metas: Array<Record<string, unknown>> }>,
): Record<string, string[]> {
  const out: Record<string, string[]> = {}
  for (const [key, { metas }] of Object.entries(map))
    out[key] = metas.map((m) => String(m['phx_ref'])).sort()
  return out
}
