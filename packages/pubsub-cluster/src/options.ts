// Options of ClusterAdapter, resolved once: defaults applied and every value checked, so a
// bad option fails at construction with a message naming it.

import nodeCluster from 'node:cluster'
import { PubSubError, silentLogger, type Logger } from '@plume/pubsub'
import type { WorkerChannel } from './channel.js'

/** Options of `new ClusterAdapter(options)`. */
export interface ClusterAdapterOptions {
  /** This node's name, unique among the workers. @default `worker-<cluster.worker.id>` */
  nodeName?: string
  /**
   * Largest encoded message (envelope JSON, bytes) the adapter sends; bigger ones are
   * refused with `BAD_MESSAGE`. The IPC channel itself has no limit, but every byte is
   * copied twice through the primary. @default 8388608 (8 MiB)
   */
  maxMessageBytes?: number
  /** How long `start()` waits for the primary's hub to answer. @default 5000 */
  startTimeoutMs?: number
  /** The channel to the primary. @default this process's IPC channel */
  channel?: WorkerChannel
  /** Receives undecodable messages and errors thrown by the deliver callback. @default silentLogger */
  logger?: Logger
}

export interface ResolvedClusterOptions {
  readonly nodeName: string
  readonly maxMessageBytes: number
  readonly startTimeoutMs: number
  readonly channel: WorkerChannel | undefined
  readonly logger: Logger
}

const MAX_TIMER_MS = 2 ** 31 - 1
const DEFAULT_MAX_BYTES = 8 * 1024 * 1024

function invalid(message: string): PubSubError {
  return new PubSubError('INVALID_ARGUMENT', `ClusterAdapter: ${message}`)
}

function wholeNumber(value: unknown, name: string, max: number, fallback: number): number {
  if (value === undefined) return fallback
  if (typeof value !== 'number' || !Number.isInteger(value) || value <= 0 || value > max) {
    throw invalid(`${name} must be a whole number from 1 to ${max}, got ${JSON.stringify(value)}`)
  }
  return value
}

function defaultNodeName(): string {
  const id = nodeCluster.worker?.id
  if (id === undefined) {
    throw invalid('nodeName is required outside a node:cluster worker')
  }
  return `worker-${id}`
}

function nodeName(value: unknown): string {
  if (value === undefined) return defaultNodeName()
  if (typeof value !== 'string' || value === '' || value.length > 255) {
    throw invalid('nodeName must be a non-empty string of at most 255 characters')
  }
  return value
}

/** Applies defaults and checks every option. @throws PubSubError `INVALID_ARGUMENT`. */
export function resolveOptions(o: ClusterAdapterOptions): ResolvedClusterOptions {
  if (typeof o !== 'object' || o === null) throw invalid('options must be an object')
  return {
    nodeName: nodeName(o.nodeName),
    maxMessageBytes: wholeNumber(o.maxMessageBytes, 'maxMessageBytes', 2 ** 30, DEFAULT_MAX_BYTES),
    startTimeoutMs: wholeNumber(o.startTimeoutMs, 'startTimeoutMs', MAX_TIMER_MS, 5000),
    channel: o.channel,
    logger: o.logger ?? silentLogger,
  }
}
