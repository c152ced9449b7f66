// Options of the NATS adapter, resolved once, plus the subject layout. Node names are
// arbitrary strings, so they are base64url-encoded into a single NATS-safe subject token.
import { Buffer } from 'node:buffer'
import type { ConnectionOptions } from 'nats'
import { PubSubError, consoleLogger } from '@plume/pubsub'
import type { Logger } from '@plume/pubsub'

/** Options of {@link NatsAdapter}. */
export interface NatsAdapterOptions {
  /** One server URL or a cluster list, e.g. `'nats://127.0.0.1:4222'`. */
  servers: string | string[]
  /** This node's name; must be unique among live nodes sharing the prefix. */
  nodeName: string
  /** Subject prefix: dot-separated tokens of `[A-Za-z0-9_-]`. @default "plume" */
  prefix?: string
  /** Where connection trouble and dropped messages are reported. @default consoleLogger */
  logger?: Logger
  /**
   * Extra options for `connect()` from the `nats` package (credentials, TLS, reconnect
   * timing…). `servers` always comes from the adapter option.
   * @default { maxReconnectAttempts: -1, reconnectTimeWait: 500 } (reconnect forever, every 0.5 s)
   */
  connectOptions?: Omit<ConnectionOptions, 'servers'>
  /**
   * How long `start()` listens for another live node answering for the same name, in ms.
   * Must exceed the round trip through the NATS cluster. @default 250
   */
  claimTimeoutMs?: number
  /**
   * Longest time `close()` spends draining (flushing what was sent, then closing politely),
   * in ms; then the connection is closed at once and `close()` resolves with a warning. A
   * silently dead connection would otherwise drain until stale detection (minutes).
   * @default 2000
   */
  closeTimeoutMs?: number
}

/** {@link NatsAdapterOptions} with every default filled in. */
export interface ResolvedNatsOptions {
  readonly servers: string[]
  readonly nodeName: string
  readonly prefix: string
  readonly logger: Logger
  readonly connectOptions: Omit<ConnectionOptions, 'servers'>
  readonly claimTimeoutMs: number
  readonly closeTimeoutMs: number
}

/** The subjects one adapter uses. */
export interface Subjects {
  /** Broadcasts (envelope mode `except`); every node subscribes. */
  readonly all: string
  /** Direct messages to this node (envelope mode `only`). */
  readonly self: string
  /** Name-claim requests for this node's name. */
  readonly claim: string
}

const PREFIX = /^[A-Za-z0-9_-]+(\.[A-Za-z0-9_-]+)*$/

function invalid(message: string): PubSubError {
  return new PubSubError('INVALID_ARGUMENT', `NatsAdapter: ${message}`)
}

// Node timers fire at once beyond 2^31-1 ms, which would end a wait immediately.
const MAX_TIMER_MS = 2 ** 31 - 1

function timeoutMs(value: number, name: string): number {
  if (!Number.isFinite(value) || value <= 0 || value > MAX_TIMER_MS) {
    throw invalid(`${name} must be a positive number of milliseconds up to ${MAX_TIMER_MS}`)
  }
  return value
}

/** Fills defaults and validates; throws PubSubError `INVALID_ARGUMENT` on bad input. */
export function resolveOptions(options: NatsAdapterOptions): ResolvedNatsOptions {
  const nodeName: unknown = options.nodeName
  if (typeof nodeName !== 'string' || nodeName.length === 0) {
    throw invalid('nodeName is required and must be a non-empty string')
  }
  const servers = typeof options.servers === 'string' ? [options.servers] : [...options.servers]
  if (servers.length === 0 || servers.some((s) => typeof s !== 'string' || s.length === 0)) {
    throw invalid('servers must be a URL or a non-empty list of URLs')
  }
  const prefix = options.prefix ?? 'plume'
  if (!PREFIX.test(prefix)) {
    throw invalid(`prefix "${prefix}" must be dot-separated tokens of letters, digits, "_" or "-"`)
  }
  const claimTimeoutMs = timeoutMs(options.claimTimeoutMs ?? 250, 'claimTimeoutMs')
  const closeTimeoutMs = timeoutMs(options.closeTimeoutMs ?? 2000, 'closeTimeoutMs')
  return {
    servers,
    nodeName,
    prefix,
    logger: options.logger ?? consoleLogger,
    connectOptions: options.connectOptions ?? {},
    claimTimeoutMs,
    closeTimeoutMs,
  }
}

/** Encodes any string as one subject token (base64url never yields `.`, `*`, `>` or spaces). */
export function subjectToken(value: string): string {
  return Buffer.from(value, 'utf8').toString('base64url')
}

/** Subject of direct messages to `node`. */
export function nodeSubject(prefix: string, node: string): string {
  return `${prefix}.node.${subjectToken(node)}`
}

/** All subjects of the node named `nodeName`. */
export function subjectsFor(prefix: string, nodeName: string): Subjects {
  return {
    all: `${prefix}.all`,
    self: nodeSubject(prefix, nodeName),
    claim: `${prefix}.claim.${subjectToken(nodeName)}`,
  }
}
