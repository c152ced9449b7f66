// The primary's routing table as a pure state machine: it takes what a worker said (or that
// it exited) and answers with the messages to send, by worker id. The hub (hub.ts) does the
// sending. Order is preserved because one input yields its outputs in a fixed order and the
// IPC channel to each worker is FIFO.

import { TAG, type FromWorker, type ToWorker } from './wire.js'

/** One message for one worker. */
export interface Outgoing {
  readonly worker: number
  readonly msg: ToWorker
}

/** Node names → worker ids, and worker ids → long-poll forwarding ports. */
export class Router {
  readonly #nodes = new Map<string, number>()
  readonly #ports = new Map<number, number>()

  /** What to send in answer to `msg` from worker `worker`. */
  receive(worker: number, msg: FromWorker): Outgoing[] {
    switch (msg.t) {
      case 'hello':
        return this.#hello(worker, msg.node)
      case 'bye':
        if (this.#nodes.get(msg.node) === worker) this.#nodes.delete(msg.node)
        return []
      case 'pub':
        return this.#publish(worker, msg.from, msg.to, msg.data)
      case 'port':
        this.#ports.set(worker, msg.port)
        return this.#portsToAll()
    }
  }

  /** Forgets every node and port of a worker that exited; tells the others about ports. */
  exited(worker: number): Outgoing[] {
    for (const [node, owner] of this.#nodes) if (owner === worker) this.#nodes.delete(node)
    return this.#ports.delete(worker) ? this.#portsToAll() : []
  }

  /** The registered node names, in registration order. */
  get nodes(): string[] {
    return [...this.#nodes.keys()]
  }

  #hello(worker: number, node: string): Outgoing[] {
    const owner = this.#nodes.get(node)
    if (owner !== undefined && owner !== worker) {
      const error = `node name ${node} is used by worker ${owner}`
      return [{ worker, msg: { plume: TAG, t: 'welcome', node, error } }]
    }
    this.#nodes.set(node, worker)
    return [{ worker, msg: { plume: TAG, t: 'welcome', node } }]
  }

  #publish(worker: number, from: string, to: string | null, data: string): Outgoing[] {
    // A node that said bye (or never said hello) sends nothing: its close() already resolved.
    if (this.#nodes.get(from) !== worker) return []
    const deliver = (node: string, target: number): Outgoing => ({
      worker: target,
      msg: { plume: TAG, t: 'msg', node, data },
    })
    if (to !== null) {
      const target = this.#nodes.get(to)
      return target === undefined ? [] : [deliver(to, target)]
    }
    const out: Outgoing[] = []
    for (const [node, target] of this.#nodes) if (node !== from) out.push(deliver(node, target))
    return out
  }

  #portsToAll(): Outgoing[] {
    const ports = Object.fromEntries([...this.#ports].map(([id, port]) => [String(id), port]))
    return [...this.#ports.keys()].map((worker) => ({
      worker,
      msg: { plume: TAG, t: 'ports', ports },
    }))
  }
}
