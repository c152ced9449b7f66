// Presence assertions on a test channel: `presence_state` and `presence_diff` compared by
// keys (and, optionally, metas per key), since phx_refs are random and metas often hold
// times. The full payload is returned for finer checks.

import type { DiffPayload, PresenceMap } from '../presence/grouping.js'
import type { ChannelEvents } from './events.js'
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
export async function assertPresenceState<E extends ChannelEvents>(
  channel: TestChannel<E>,
  keys: ExpectedKeys,
  options: WaitOptions = {},
): Promise<PresenceMap> {
  const pattern = satisfying(`keys ${showKeys(keys)}`, (p: PresenceMap) => hasKeys(p, keys))
  return (await untyped(channel).assertPush('presence_state', pattern, options)) as PresenceMap
}

/** Awaits a diff joining and leaving exactly these keys; returns it. */
export async function assertPresenceDiff<E extends ChannelEvents>(
  channel: TestChannel<E>,
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
  return (await untyped(channel).assertPush(event, pattern, options)) as DiffPayload
}

/** Presence events need not be among a channel's declared pushes. */
function untyped<E extends ChannelEvents>(channel: TestChannel<E>): TestChannel {
  return channel as unknown as TestChannel
}

function hasKeys(map: PresenceMap | undefined, keys: ExpectedKeys): boolean {
  if (typeof map !== 'object' || map === null) return false
  const counts = isList(keys) ? undefined : keys
  const want = isList(keys) ? keys : Object.keys(keys)
  const have = Object.keys(map)
  if (have.length !== want.length || !want.every((k) => k in map)) return false
  return counts === undefined || want.every((k) => map[k]?.metas.length === counts[k])
}

function showKeys(keys: ExpectedKeys): string {
  return JSON.stringify(isList(keys) ? [...keys].sort() : keys)
}

function isList(keys: ExpectedKeys): keys is readonly string[] {
  return Array.isArray(keys)
}
