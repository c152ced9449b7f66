// Presence assertions on a test channel: `presence_state` and `presence_diff` compared by
// keys (and, optionally, metas per key), since phx_refs are random and metas often hold
// times. The full payload is returned for finer checks.

import type { DiffPayload, PresenceMap } from '../presence/grouping.js'
import { satisfying } from './match.js'
import type { TestChannel, WaitOptions } from './test-channel.js'

/** Expected keys: a list (any number of metas each) or `{key: number of metas}`. */
export type ExpectedKeys = readonly string[] | Readonly<Record<string, number>>

/** Expected halves of a diff; an omitted half must be empty. */
export interface ExpectedDiff {
  readonly joins?: ExpectedKeys
  readonly leaves?: ExpectedKeys
}

/** Options of the presence assertions. */
export interface PresenceAssertOptions extends WaitOptions {
  /** Event name of diffs, if the Presence was given another. @default 'presence_diff' */
  readonly event?: string
}

/** Awaits a `presence_state` push holding exactly these keys; returns it. */
export async function assertPresenceState(
  channel: TestChannel,
  keys: ExpectedKeys,
  options: WaitOptions = {},
): Promise<PresenceMap> {
  const pattern = satisfying(`keys ${showKeys(keys)}`, (p: PresenceMap) => hasKeys(p, keys))
  return (await channel.assertPush('presence_state', pattern, options)) as PresenceMap
}

/** Awaits a diff joining and leaving exactly these keys; returns it. */
export async function assertPresenceDiff(
  channel: TestChannel,
  expected: ExpectedDiff,
  options: PresenceAssertOptions = {},
): Promise<DiffPayload> {
  const joins = expected.joins ?? []
  const leaves = expected.leaves ?? []
  const text = `joins ${showKeys(joins)} and leaves ${showKeys(leaves)}`
  const pattern = satisfying(
    text,
    (d: DiffPayload) => hasKeys(d.joins, joins) && hasKeys(d.leaves, leaves),
  )
  const event = options.event ?? 'presence_diff'
  return (await channel.assertPush(event, pattern, options)) as DiffPayload
}

function hasKeys(map: PresenceMap | undefined, keys: ExpectedKeys): boolean {
  if (typeof map !== 'object' || map === null) return false
  const counts = Array.isArray(keys) ? undefined : (keys as Record<string, number>)
  const want = counts === undefined ? (keys as readonly string[]) : Object.keys(counts)
  const have = Object.keys(map)
  if (have.length !== want.length || !want.every((k) => k in map)) return false
  return counts === undefined || want.every((k) => map[k]?.metas.length === counts[k])
}

function showKeys(keys: ExpectedKeys): string {
  return JSON.stringify(Array.isArray(keys) ? [...keys].sort() : keys)
}
