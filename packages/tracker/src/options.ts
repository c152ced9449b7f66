// Tracker options (spec §4.2): defaults, and validation of every field and of the cross-field
// rules (downPeriod ≥ 2·broadcastPeriod, permdownPeriod > downPeriod), resolved once.
import { consoleLogger } from '@plume/pubsub'
import type { Logger, PubSub } from '@plume/pubsub'
import { TrackerError } from './errors.js'
import { systemScheduler, type Scheduler } from './scheduler.js'
import type { DiffListener } from './diff.js'
import { DEFAULT_MAX_META_BYTES } from './meta-limits.js'

/** Options of {@link Tracker}. */
export interface TrackerOptions {
  /** The PubSub carrying replication; its node name is the replica name. */
  pubsub: PubSub
  /** Prefix of shard names and replication topics. @default 'presence' */
  name?: string
  /** Timers and monotonic time. @default systemScheduler */
  scheduler?: Scheduler
  /** Shards per node; must be the same on every node. @default 1 */
  poolSize?: number
  /** Heartbeat tick interval in ms. @default 1500 */
  broadcastPeriod?: number
  /** Ticks without data before an empty heartbeat is forced. @default 10 */
  maxSilentPeriods?: number
  /** Silence (ms) after which a replica is considered down. @default broadcastPeriod·maxSilentPeriods·2 */
  downPeriod?: number
  /** Silence (ms) after which a replica is forgotten. @default 1_200_000 */
  permdownPeriod?: number
  /** Ticks between transfer-request rounds. @default 2 */
  clockSamplePeriods?: number
  /** Caps of the delta generations. @default [100, 1000, 10000] */
  maxDeltaSizes?: number[]
  /** Receives malformed-message warnings and listener failures. @default consoleLogger */
  logger?: Logger
  /** Random source in [0, 1): first-tick jitter and id prefixes. @default Math.random */
  random?: () => number
  /**
   * Phoenix's `handle_diff` callback: registered before anything can happen, so it sees every
   * diff. Same contract as {@link Tracker.onDiff} listeners. @default none
   */
  handleDiff?: DiffListener
  /**
   * Largest meta accepted by `track`/`update`, in UTF-8 bytes of its JSON encoding; bigger
   * metas throw TrackerError INVALID_META. @default 4096
   */
  maxMetaBytes?: number
}

/** Options after defaults and validation. */
export interface ResolvedOptions {
  readonly pubsub: PubSub
  readonly name: string
  readonly scheduler: Scheduler
  readonly poolSize: number
  readonly broadcastPeriod: number
  readonly maxSilentPeriods: number
  readonly downPeriod: number
  readonly permdownPeriod: number
  readonly clockSamplePeriods: number
  readonly maxDeltaSizes: readonly number[]
  readonly logger: Logger
  readonly random: () => number
  readonly maxMetaBytes: number
}

/** The longest delay `setTimeout` honours (2^31 - 1 ms). */
const MAX_TIMER_MS = 2 ** 31 - 1

function invalid(message: string): TrackerError {
  return new TrackerError('INVALID_OPTIONS', message)
}

function int(name: string, v: number, min: number): number {
  if (!Number.isSafeInteger(v) || v < min)
    throw invalid(`${name} must be an integer >= ${min}, got ${String(v)}`)
  return v
}

function positive(name: string, v: number): number {
  if (typeof v !== 'number' || !Number.isFinite(v) || v <= 0)
    throw invalid(`${name} must be a positive number, got ${String(v)}`)
  return v
}

function checkPubSub(p: unknown): PubSub {
  const ok =
    typeof p === 'object' &&
    p !== null &&
    typeof (p as { subscribe?: unknown }).subscribe === 'function'
  if (!ok) throw invalid('pubsub is required (a @plume/pubsub PubSub)')
  return p as PubSub
}

/** Applies defaults and validates; throws TrackerError INVALID_OPTIONS with the fix. */
export function resolveOptions(o: TrackerOptions): ResolvedOptions {
  if (typeof o !== 'object' || o === null) throw invalid('options object is required')
  const name = o.name ?? 'presence'
  if (typeof name !== 'string' || name.length === 0)
    throw invalid('name must be a non-empty string')
  const broadcastPeriod = positive('broadcastPeriod', o.broadcastPeriod ?? 1500)
  // It arms a timer, and Node fires longer timers after 1 ms: a busy tick loop.
  if (broadcastPeriod > MAX_TIMER_MS)
    throw invalid(`broadcastPeriod must be <= ${MAX_TIMER_MS} ms, got ${broadcastPeriod}`)
  const maxSilentPeriods = int('maxSilentPeriods', o.maxSilentPeriods ?? 10, 0)
  const downPeriod = positive('downPeriod', o.downPeriod ?? broadcastPeriod * maxSilentPeriods * 2)
  const permdownPeriod = positive('permdownPeriod', o.permdownPeriod ?? 1_200_000)
  if (downPeriod < 2 * broadcastPeriod) {
    throw invalid(
      `downPeriod (${downPeriod}) must be >= 2 * broadcastPeriod (${2 * broadcastPeriod})`,
    )
  }
  if (permdownPeriod <= downPeriod) {
    throw invalid(`permdownPeriod (${permdownPeriod}) must be > downPeriod (${downPeriod})`)
  }
  const maxDeltaSizes = o.maxDeltaSizes ?? [100, 1000, 10_000]
  if (!Array.isArray(maxDeltaSizes) || maxDeltaSizes.length === 0)
    throw invalid('maxDeltaSizes must be a non-empty array')
  maxDeltaSizes.forEach((n, i) => int(`maxDeltaSizes[${i}]`, n, 1))
  const random = o.random ?? Math.random
  if (typeof random !== 'function') throw invalid('random must be a function')
  const scheduler = o.scheduler ?? systemScheduler
  if (typeof scheduler.after !== 'function' || typeof scheduler.now !== 'function')
    throw invalid('scheduler must have now() and after()')
  return {
    pubsub: checkPubSub(o.pubsub),
    name,
    scheduler,
    poolSize: int('poolSize', o.poolSize ?? 1, 1),
    broadcastPeriod,
    maxSilentPeriods,
    downPeriod,
    permdownPeriod,
    clockSamplePeriods: int('clockSamplePeriods', o.clockSamplePeriods ?? 2, 1),
    maxDeltaSizes: [...maxDeltaSizes],
    logger: o.logger ?? consoleLogger,
    random,
    maxMetaBytes: int('maxMetaBytes', o.maxMetaBytes ?? DEFAULT_MAX_META_BYTES, 2),
  }
}
