// How a drain spreads its closes over time, so a node's clients do not all reconnect to the
// next node in the same instant. Pure: the endpoint feeds it the connection count.

import { ServerError } from './errors.js'

/** Options of `endpoint.drain()`. Unset values are sized from the connection count. */
export interface DrainOptions {
  /**
   * Total time the closes are spread over, in ms. @default 2 ms per connection, at most
   * 10000: a small node drains at once, a big one sends at most ~500 reconnects a second
   * elsewhere, up to 5,000 connections, and spreads over 10 s beyond
   */
  duration?: number
  /**
   * Connections closed per batch. @default sized so the batches fill `duration`:
   * `ceil(connections / (floor(duration / batchInterval) + 1))`
   */
  batchSize?: number
  /**
   * Pause between batches in ms. @default 100 when `batchSize` is unset; otherwise
   * `duration / (batches - 1)`, so the last batch closes at `duration`
   */
  batchInterval?: number
}

/** A drain's batches: `batchSize` connections every `batchInterval` ms. */
export interface DrainPlan {
  readonly batchSize: number
  readonly batchInterval: number
}

/** The default pause between batches when only the duration is known. */
export const DEFAULT_DRAIN_INTERVAL_MS = 100
/** The longest default spread of a drain. */
export const DEFAULT_DRAIN_DURATION_MS = 10_000
/** The default spread per connection: the rate the other nodes take reconnects at. */
export const DRAIN_MS_PER_CONNECTION = 2

/** Plans a drain of `count` connections; throws INVALID_CONFIG on bad options. */
export function drainPlan(count: number, options: DrainOptions = {}): DrainPlan {
  const duration =
    options.duration ?? Math.min(DEFAULT_DRAIN_DURATION_MS, count * DRAIN_MS_PER_CONNECTION)
  check(Number.isFinite(duration) && duration >= 0, `duration must be >= 0, got ${duration}`)
  const { batchSize, batchInterval } = options
  if (batchSize !== undefined) {
    check(
      Number.isSafeInteger(batchSize) && batchSize >= 1,
      `batchSize must be an integer >= 1, got ${batchSize}`,
    )
  }
  if (batchInterval !== undefined) {
    check(
      Number.isFinite(batchInterval) && batchInterval >= 0,
      `batchInterval must be >= 0, got ${batchInterval}`,
    )
  }
  const n = Math.max(1, count)
  if (batchSize !== undefined) {
    const batches = Math.ceil(n / batchSize)
    return {
      batchSize,
      batchInterval: batchInterval ?? (batches > 1 ? duration / (batches - 1) : 0),
    }
  }
  const interval = batchInterval ?? DEFAULT_DRAIN_INTERVAL_MS
  const batches = interval === 0 ? 1 : Math.floor(duration / interval) + 1
  return { batchSize: Math.ceil(n / batches), batchInterval: interval }
}

function check(ok: boolean, message: string): void {
  if (!ok) throw new ServerError('INVALID_CONFIG', `drain ${message}`)
}
