// Tracker options: defaults, and validation of every field and of the cross-field
// rules (downPeriod covers a few heartbeats, permdownPeriod > downPeriod), resolved once.
import { describeValue } from '@plume/crdt'
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
  /** Ticks without data before an empty heartbeat is forced (when `heartbeatPeriod` is 0). @default 10 */
  maxSilentPeriods?: number
  /**
   * Local changes go out as a delta on the next event-loop turn, batched per turn, instead of
   * waiting for the next tick; and a node that joins gets the others' state at once (peers
   * announce their clocks when it comes up, and it asks each peer whose first clock is ahead)
   * instead of after a sampled transfer round. `false` replicates only at the tick and
   * transfers only at the sampled rounds, as Phoenix.Tracker does.
   * @default true
   */
  eagerReplication?: boolean
  /**
   * Milliseconds between liveness heartbeats, sent on their own light timer (separate from the
   * tick's transfer and bookkeeping work) when nothing else was sent meanwhile; down detection
   * runs at the same cadence, on a clock that does not count time this node's own event loop
   * was stalled. `0` turns it off: liveness rides on the tick, an empty heartbeat forced every
   * `maxSilentPeriods` ticks, as Phoenix.Tracker does. @default 500, or downPeriod / 6 when that is shorter
   */
  heartbeatPeriod?: number
  /**
   * Silence (ms) after which a replica is considered down.
   * @default 3000 with heartbeats on; broadcastPeriod·maxSilentPeriods·2 (30 s) with `heartbeatPeriod: 0`
   */
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
  readonly eagerReplication: boolean
  readonly heartbeatPeriod: number
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

function int(name: string, v: unknown, min: number): number {
  if (typeof v !== 'number' || !Number.isSafeInteger(v) || v < min)
    throw invalid(`${name} must be an integer >= ${min}, got ${describeValue(v)}`)
  return v
}

function positive(name: string, v: unknown): number {
  if (typeof v !== 'number' || !Number.isFinite(v) || v <= 0)
    throw invalid(`${name} must be a positive number, got ${describeValue(v)}`)
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

type Timing = Pick<
  ResolvedOptions,
  'broadcastPeriod' | 'maxSilentPeriods' | 'heartbeatPeriod' | 'downPeriod' | 'permdownPeriod'
>

/** The default heartbeat period (ms). */
const HEARTBEAT_PERIOD = 500
/** The default down period (ms) with heartbeats on: six missed heartbeats. */
const FAST_DOWN_PERIOD = 3000

// It arms a timer, and Node fires longer timers after 1 ms: a busy loop.
function timerPeriod(name: string, v: unknown): number {
  const period = positive(name, v)
  if (period > MAX_TIMER_MS) throw invalid(`${name} must be <= ${MAX_TIMER_MS} ms, got ${period}`)
  return period
}

// An explicit downPeriod shorter than the default keeps working: the default heartbeat then
// shrinks to leave six heartbeats per down period.
function resolveHeartbeatPeriod(v: unknown, downPeriod: unknown): number {
  if (v === 0) return 0
  if (v !== undefined) return timerPeriod('heartbeatPeriod', v)
  const fit = typeof downPeriod === 'number' && downPeriod > 0 ? downPeriod / 6 : HEARTBEAT_PERIOD
  return Math.min(HEARTBEAT_PERIOD, fit)
}

// Down detection needs a few missed heartbeats before it judges: with the heartbeat timer,
// three of its periods; with liveness on the tick, two ticks (Phoenix's rule).
function checkDownPeriod(t: Timing): void {
  const [factor, name, period] =
    t.heartbeatPeriod > 0
      ? [3, 'heartbeatPeriod', t.heartbeatPeriod]
      : [2, 'broadcastPeriod', t.broadcastPeriod]
  if (t.downPeriod < factor * period)
    throw invalid(
      `downPeriod (${t.downPeriod}) must be >= ${factor} * ${name} (${factor * period})`,
    )
  if (t.permdownPeriod <= t.downPeriod)
    throw invalid(`permdownPeriod (${t.permdownPeriod}) must be > downPeriod (${t.downPeriod})`)
}

function resolveTiming(o: TrackerOptions): Timing {
  const broadcastPeriod = timerPeriod('broadcastPeriod', o.broadcastPeriod ?? 1500)
  const maxSilentPeriods = int('maxSilentPeriods', o.maxSilentPeriods ?? 10, 0)
  const heartbeatPeriod = resolveHeartbeatPeriod(o.heartbeatPeriod, o.downPeriod)
  const slowDown = broadcastPeriod * maxSilentPeriods * 2
  const downDefault = heartbeatPeriod > 0 ? FAST_DOWN_PERIOD : slowDown
  const downPeriod = positive('downPeriod', o.downPeriod ?? downDefault)
  const permdownPeriod = positive('permdownPeriod', o.permdownPeriod ?? 1_200_000)
  const timing = { broadcastPeriod, maxSilentPeriods, heartbeatPeriod, downPeriod, permdownPeriod }
  checkDownPeriod(timing)
  return timing
}

function flag(name: string, v: unknown, fallback: boolean): boolean {
  if (v === undefined) return fallback
  if (typeof v !== 'boolean') throw invalid(`${name} must be a boolean, got ${describeValue(v)}`)
  return v
}

/**
 * The settings that make a Tracker replicate and detect failures as Phoenix.Tracker does with
 * its defaults: changes go out only at the 1.5 s tick, liveness rides on the tick, and a
 * silent node is down after 30 s. Spread it into the options: `{ pubsub, ...PHOENIX_TRACKER }`.
 */
export const PHOENIX_TRACKER: Readonly<
  Pick<TrackerOptions, 'eagerReplication' | 'heartbeatPeriod' | 'downPeriod'>
> = Object.freeze({ eagerReplication: false, heartbeatPeriod: 0, downPeriod: 30_000 })

function resolveName(v: unknown): string {
  const name = v ?? 'presence'
  if (typeof name !== 'string' || name.length === 0)
    throw invalid(`name must be a non-empty string, got ${describeValue(name)}`)
  return name
}

function resolveDeltaSizes(v: unknown): number[] {
  const sizes = v ?? [100, 1000, 10_000]
  if (!Array.isArray(sizes) || sizes.length === 0)
    throw invalid('maxDeltaSizes must be a non-empty array')
  return sizes.map((n: unknown, i) => int(`maxDeltaSizes[${i}]`, n, 1))
}

function resolveEffects(o: TrackerOptions): Pick<ResolvedOptions, 'scheduler' | 'random'> {
  const random = o.random ?? Math.random
  if (typeof random !== 'function') throw invalid('random must be a function')
  const scheduler = o.scheduler ?? systemScheduler
  if (typeof scheduler.after !== 'function' || typeof scheduler.now !== 'function')
    throw invalid('scheduler must have now() and after()')
  return { scheduler, random }
}

/** Applies defaults and validates; throws TrackerError INVALID_OPTIONS with the fix. */
export function resolveOptions(o: TrackerOptions): ResolvedOptions {
  if (typeof o !== 'object' || o === null) throw invalid('options object is required')
  return {
    pubsub: checkPubSub(o.pubsub),
    name: resolveName(o.name),
    ...resolveTiming(o),
    ...resolveEffects(o),
    eagerReplication: flag('eagerReplication', o.eagerReplication, true),
    poolSize: int('poolSize', o.poolSize ?? 1, 1),
    clockSamplePeriods: int('clockSamplePeriods', o.clockSamplePeriods ?? 2, 1),
    maxDeltaSizes: resolveDeltaSizes(o.maxDeltaSizes),
    logger: o.logger ?? consoleLogger,
    maxMetaBytes: int('maxMetaBytes', o.maxMetaBytes ?? DEFAULT_MAX_META_BYTES, 2),
  }
}
