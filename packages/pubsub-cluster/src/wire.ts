// The messages workers and the primary exchange over the cluster IPC channel. Every one is
// tagged, so they share the channel with an application's own IPC without confusion: the
// hub and the adapters ignore anything untagged. PubSub payloads travel as envelope text
// (@plume/pubsub's codec), which the primary forwards without parsing.

/** Tag of every message of this package; the version changes with the shapes below. */
export const TAG = 'plume:cluster/1'

/** Worker → primary: this worker wants to receive messages for `node`. */
export interface Hello {
  readonly plume: typeof TAG
  readonly t: 'hello'
  readonly node: string
}

/** Worker → primary: `node` is closing; route nothing more to it. */
export interface Bye {
  readonly plume: typeof TAG
  readonly t: 'bye'
  readonly node: string
}

/** Worker → primary: envelope text for every node but `from` (`to: null`) or for `to` alone. */
export interface Publish {
  readonly plume: typeof TAG
  readonly t: 'pub'
  readonly from: string
  readonly to: string | null
  readonly data: string
}

/** Worker → primary: this worker answers forwarded long-poll requests on loopback `port`. */
export interface Port {
  readonly plume: typeof TAG
  readonly t: 'port'
  readonly port: number
}

/** Primary → worker: the answer to a {@link Hello}; `error` set means refused. */
export interface Welcome {
  readonly plume: typeof TAG
  readonly t: 'welcome'
  readonly node: string
  readonly error?: string
}

/** Primary → worker: envelope text for the worker's node `node`. */
export interface Deliver {
  readonly plume: typeof TAG
  readonly t: 'msg'
  readonly node: string
  readonly data: string
}

/** Primary → worker: the loopback port of every worker that announced one, by worker id. */
export interface Ports {
  readonly plume: typeof TAG
  readonly t: 'ports'
  readonly ports: Readonly<Record<string, number>>
}

export type FromWorker = Hello | Bye | Publish | Port
export type ToWorker = Welcome | Deliver | Ports

function tagged(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && (value as { plume?: unknown }).plume === TAG
}

const str = (v: unknown): v is string => typeof v === 'string' && v !== ''

/** The message as a {@link FromWorker}, or undefined when it is not one (wrong shape or untagged). */
export function asFromWorker(value: unknown): FromWorker | undefined {
  if (!tagged(value)) return undefined
  switch (value['t']) {
    case 'hello':
    case 'bye':
      return str(value['node']) ? (value as unknown as Hello | Bye) : undefined
    case 'pub': {
      const { from, to, data } = value
      const ok = str(from) && (to === null || str(to)) && typeof data === 'string'
      return ok ? (value as unknown as Publish) : undefined
    }
    case 'port': {
      const port = value['port']
      const ok = Number.isInteger(port) && (port as number) > 0 && (port as number) < 65_536
      return ok ? (value as unknown as Port) : undefined
    }
    default:
      return undefined
  }
}

/** True when the message carries this package's tag, whatever its shape. */
export function isTagged(value: unknown): boolean {
  return tagged(value)
}

/** The message as a {@link ToWorker}, or undefined when it is not one. */
export function asToWorker(value: unknown): ToWorker | undefined {
  if (!tagged(value)) return undefined
  switch (value['t']) {
    case 'welcome':
      return str(value['node']) ? (value as unknown as Welcome) : undefined
    case 'msg':
      return str(value['node']) && typeof value['data'] === 'string'
        ? (value as unknown as Deliver)
        : undefined
    case 'ports':
      return typeof value['ports'] === 'object' && value['ports'] !== null
        ? (value as unknown as Ports)
        : undefined
    default:
      return undefined
  }
}
