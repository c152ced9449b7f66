// An Adapter in the test process that stands for a real ClusterAdapter living in a forked
// worker: every call becomes a control request, every delivery in the worker comes back.
// The conformance suite drives these while the PubSub traffic itself crosses the cluster
// IPC channel through the hub, exactly as in production.

import type { Worker } from 'node:cluster'
import { PubSubError, type Adapter, type PubSubErrorCode, type RemoteMessage } from '@plume/pubsub'
import { CTL, isControl, pack, unpack, type Report, type Request } from './control.js'

type Op = Request extends infer R ? (R extends Request ? Omit<R, 'ctl' | 'id'> : never) : never

export class WorkerAdapterProxy implements Adapter {
  readonly nodeName: string
  readonly #worker: Worker
  readonly #pending = new Map<number, (report: Report & { op: 'ack' }) => void>()
  #deliver: ((msg: RemoteMessage) => void) | undefined
  #ids = 0

  constructor(worker: Worker, nodeName: string) {
    this.#worker = worker
    this.nodeName = nodeName
    worker.on('message', this.#onReport)
  }

  create(): Promise<void> {
    return this.#call({ op: 'create', node: this.nodeName })
  }
  start(deliver: (msg: RemoteMessage) => void): Promise<void> {
    this.#deliver = deliver
    return this.#call({ op: 'start' })
  }
  broadcast(msg: RemoteMessage): Promise<void> {
    return this.#call({ op: 'broadcast', data: pack(msg) })
  }
  directBroadcast(node: string, msg: RemoteMessage): Promise<void> {
    return this.#call({ op: 'direct', node, data: pack(msg) })
  }
  async close(): Promise<void> {
    await this.#call({ op: 'close' })
  }
  /** Stops listening to the worker (the worker itself lives on for the next case). */
  detach(): void {
    this.#worker.off('message', this.#onReport)
  }

  readonly #onReport = (raw: unknown): void => {
    if (!isControl<Report>(raw)) return
    if (raw.op === 'deliver' && raw.node === this.nodeName) this.#deliver?.(unpack(raw.data))
    if (raw.op === 'ack') this.#pending.get(raw.id)?.(raw)
  }

  #call(op: Op): Promise<void> {
    const id = ++this.#ids
    return new Promise((resolve, reject) => {
      this.#pending.set(id, ({ error }) => {
        this.#pending.delete(id)
        if (error === undefined) resolve()
        else reject(new PubSubError(error.code as PubSubErrorCode, error.message))
      })
      this.#worker.send({ ctl: CTL, id, ...op })
    })
  }
}
