// Server-side Presence: a thin layer over the Tracker. Tracks channel owners,
// turns every tracker diff (local or remote) into one `presence_diff` broadcast to this
// node's subscribers, enriched by an optional async `fetch` yet delivered in production
// order, and links each tracked channel so its presences leave when the channel ends.
// The semantics users see are described in docs/presence.md.
import { TrackerError } from '@plume/tracker'
import { admitUpdate, keyString, target, topicOf } from './arguments.js'
import type { PresenceChannel } from './arguments.js'
import type { Meta, PresenceDiff, Tracker } from '@plume/tracker'
import { KeyCounts } from './key-counts.js'
import { defaultLogger } from '../logger.js'
import type { Logger } from '../types.js'
import { diffPayload, groupByKey } from './grouping.js'
import type { DiffPayload, PresenceEntry, PresenceMap } from './grouping.js'
import { MetasStore } from './metas.js'
import { publishDiff } from '../events.js'
import type { MetasHandler } from './metas.js'
import { DiffPipeline } from './diff-pipeline.js'
import type { CoalesceOptions } from './diff-pipeline.js'
import { systemScheduler } from '../time.js'
import type { Scheduler } from '../time.js'

export type { PresenceChannel } from './arguments.js'

/** Where diffs go: the endpoint's encode-once local broadcast. */
export interface DiffSink {
  localBroadcast(topic: string, event: string, payload: unknown): void
}

/**
 * Enriches presences in bulk; must keep `metas` on each entry. Return new entries rather
 * than mutating metas: they are the tracker's own objects.
 */
export type PresenceFetch = (
  topic: string,
  presences: PresenceMap,
) => PresenceMap | Promise<PresenceMap>

/** Options of {@link Presence}. */
export interface PresenceOptions {
  /** The tracker holding the CRDT state; Presence starts and stops it. */
  tracker: Tracker
  /** Receives `presence_diff` broadcasts (usually the Endpoint). */
  sink: DiffSink
  /** Bulk enrichment hook run for `list`, `getByKey` and every diff. @default identity */
  fetch?: PresenceFetch
  /**
   * Called when `fetch` (for a diff), a metas handler, the sink or an unlink fails. A diff
   * whose `fetch` fails is still broadcast, unenriched, so clients keep the right presences.
   * @default logs with `logger`
   */
  onError?: (error: unknown) => void
  /** Where the default `onError` writes. @default warnings and errors to the console */
  logger?: Logger
  /** Event name of diffs. @default "presence_diff" */
  diffEvent?: string
  /**
   * Merging of each topic's diffs: a quiet topic's change goes out at once; a busy topic's
   * changes go out as one `presence_diff` per window (10 ms, doubling while the topic stays
   * busy, up to 0.05 ms per presence and at most 100 ms), with a join and a leave of the
   * same presence cancelling out. `false` sends one diff per change, as Phoenix does.
   * @default {minWindowMs: 10, maxWindowMs: 100, windowMsPerPresence: 0.05}
   */
  coalesce?: CoalesceOptions | false
  /**
   * Topics whose members get `presence_count` (`{count}`: the number of present keys, sent at
   * most once per window) instead of per-member diffs: for rooms too big for every member to
   * hold every other. Members can still ask for {@link Presence.list}. @default none
   */
  countOnly?: (topic: string) => boolean
  /** Event name of counts in count-only topics. @default "presence_count" */
  countEvent?: string
  /** Time for the coalescing windows. @default the real clock */
  scheduler?: Scheduler
}

type MetaUpdate = Meta | ((old: Meta) => Meta)
type Key = string | number

/**
 * Phoenix.Presence for Plume.
 * @example
 * const presence = new Presence({ tracker: new Tracker({ pubsub }), sink: endpoint })
 * await presence.start()
 * // in a channel, after join:
 * ch.push('presence_state', await presence.list(ch))
 * presence.track(ch, ch.assigns.user_id, { online_at: Date.now() })
 */
export class Presence {
  readonly #tracker: Tracker
  readonly #sink: DiffSink
  readonly #fetch: PresenceFetch
  readonly #onError: (error: unknown) => void
  readonly #diffEvent: string
  readonly #pipeline: DiffPipeline
  readonly #countOnly: (topic: string) => boolean
  readonly #countEvent: string
  readonly #linked = new WeakSet<PresenceChannel>()
  readonly #metasHandlers = new Set<MetasHandler>()
  readonly #metas = new MetasStore()
  readonly #keyCounts: KeyCounts
  #unsubscribe: (() => void) | undefined

  constructor(options: PresenceOptions) {
    this.#tracker = options.tracker
    this.#sink = options.sink
    this.#fetch = options.fetch ?? ((_topic, presences) => presences)
    const logger = options.logger ?? defaultLogger
    this.#onError =
      options.onError ?? ((error) => logger.error('plume: presence failure', { error }))
    this.#diffEvent = options.diffEvent ?? 'presence_diff'
    this.#countOnly = options.countOnly ?? (() => false)
    this.#countEvent = options.countEvent ?? 'presence_count'
    this.#keyCounts = new KeyCounts((topic) => this.#tracker.list(topic))
    this.#pipeline = new DiffPipeline(
      options.scheduler ?? systemScheduler,
      (topic, diff) => this.#send(topic, diff),
      this.#onError,
      options.coalesce ?? {},
      (topic) => this.#tracker.count(topic),
    )
  }

  /** Starts the tracker and begins broadcasting diffs. */
  async start(): Promise<void> {
    this.#unsubscribe ??= this.#tracker.onDiff((topic, diff) => this.#onDiff(topic, diff))
    await this.#tracker.start()
  }

  /** Stops broadcasting and stops the tracker; `graceful` tells peers to drop our presences now. */
  async stop(options: { graceful?: boolean } = {}): Promise<void> {
    this.#unsubscribe?.()
    this.#unsubscribe = undefined
    await (options.graceful === true ? this.#tracker.gracefulPermdown() : this.#tracker.stop())
    await this.#pipeline.flushed()
  }

  /**
   * Tracks `key` on the channel's topic; returns the new `phx_ref`. Its presences leave when
   * the channel ends (at once if it already has).
   * @throws TrackerError ALREADY_TRACKED, NOT_STARTED, STOPPED, INVALID_ARGUMENT, INVALID_META
   *   (a meta the wire cannot carry: non-JSON value, cycle, over the tracker's maxMetaBytes)
   * @throws ServerError RATE_LIMITED past the connection's `presenceUpdatesPerWindow`
   *   (escaping `handleIn`, it is answered `{reason: 'too many presence updates'}`)
   */
  track(channel: PresenceChannel, key: Key, meta: Meta): string
  /** Tracks `key` on `topic` for an owner id (untrack it yourself when the owner ends). */
  track(owner: string, topic: string, key: Key, meta: Meta): string
  track(...args: [PresenceChannel, Key, Meta] | [string, string, Key, Meta]): string {
    if (typeof args[0] === 'string') {
      const [owner, topic, key, meta] = args as [string, string, Key, Meta]
      return this.#tracker.track(owner, topic, keyString(key), meta)
    }
    const [channel, key, meta] = args as [PresenceChannel, Key, Meta]
    admitUpdate(channel)
    const ref = this.#tracker.track(channel.ownerId, channel.topic, keyString(key), meta)
    // Linked after tracking: a channel that already ended runs the hook at once and untracks.
    this.#link(channel)
    return ref
  }

  /** Stops tracking `key`; a no-op when it is not tracked. */
  untrack(channel: PresenceChannel, key: Key): void
  untrack(owner: string, topic: string, key: Key): void
  untrack(...args: [PresenceChannel, Key] | [string, string, Key]): void {
    const [owner, topic, key] = target(args)
    this.#tracker.untrack(owner, topic, key)
  }

  /**
   * Replaces the meta (or maps it: the function gets a copy holding `phx_ref`); one diff
   * carries the old meta in `leaves` and the new one, with `phx_ref_prev`, in `joins`.
   * @throws TrackerError NO_PRESENCE when the key is not tracked by that owner
   * @throws ServerError RATE_LIMITED past the connection's `presenceUpdatesPerWindow`
   */
  update(channel: PresenceChannel, key: Key, meta: MetaUpdate): string
  update(owner: string, topic: string, key: Key, meta: MetaUpdate): string
  update(...args: [PresenceChannel, Key, MetaUpdate] | [string, string, Key, MetaUpdate]): string {
    const meta = args[args.length - 1] as MetaUpdate
    if (typeof args[0] !== 'string') admitUpdate(args[0])
    const [owner, topic, key] = target(args.slice(0, -1))
    return this.#tracker.update(owner, topic, key, meta)
  }

  /** The topic's presences, `{key: {metas}}` after `fetch`; down replicas excluded. */
  async list(channelOrTopic: PresenceChannel | string): Promise<PresenceMap> {
    const topic = topicOf(channelOrTopic)
    const pairs = this.#tracker.list(topic)
    const presences = groupByKey(pairs)
    // Not isEmpty(): for-in over a big dictionary-mode map enumerates every key first.
    return pairs.length === 0 ? presences : this.#fetch(topic, presences)
  }

  /** One key's presences after `fetch`, or `undefined` when nobody is there. */
  async getByKey(
    channelOrTopic: PresenceChannel | string,
    key: Key,
  ): Promise<PresenceEntry | undefined> {
    const topic = topicOf(channelOrTopic)
    const k = keyString(key)
    const metas = this.#tracker.getByKey(topic, k).map(([, meta]) => meta)
    if (metas.length === 0) return undefined
    const fetched = await this.#fetch(topic, nullProto({ [k]: { metas } }))
    return fetched[k]
  }

  /**
   * Server-side subscription to diffs (Phoenix's handle_metas): each handler gets the raw
   * diff and a snapshot of the topic's presences `key -> metas` after it, synchronously and
   * in production order. Returns the disposer.
   */
  onMetas(handler: MetasHandler): () => void {
    this.#metasHandlers.add(handler)
    return () => {
      this.#metasHandlers.delete(handler)
      if (this.#metasHandlers.size === 0) this.#metas.clear()
    }
  }

  /** The number of distinct keys present on the topic (what count-only members are sent). */
  count(channelOrTopic: PresenceChannel | string): number {
    const topic = topicOf(channelOrTopic)
    if (this.#countOnly(topic)) return this.#keyCounts.count(topic)
    return new Set(this.#tracker.list(topic).map(([key]) => key)).size
  }

  /** Resolves when every diff produced so far has been broadcast (open windows cut short). */
  flushed(): Promise<void> {
    return this.#pipeline.flushed()
  }

  #onDiff(topic: string, diff: PresenceDiff): void {
    if (this.#countOnly(topic)) this.#keyCounts.apply(topic, diff)
    this.#notifyMetas(topic, diff)
    this.#pipeline.push(topic, diff)
  }

  async #send(topic: string, diff: PresenceDiff): Promise<void> {
    if (this.#countOnly(topic)) {
      this.#sink.localBroadcast(topic, this.#countEvent, { count: this.count(topic) })
      return
    }
    const payload = await this.#enrich(topic, diffPayload(diff))
    this.#sink.localBroadcast(topic, this.#diffEvent, payload)
    publishDiff(this.#tracker.nodeName, topic, payload)
  }

  async #enrich(topic: string, raw: DiffPayload): Promise<DiffPayload> {
    try {
      const [joins, leaves] = await Promise.all([
        isEmpty(raw.joins) ? raw.joins : this.#fetch(topic, raw.joins),
        isEmpty(raw.leaves) ? raw.leaves : this.#fetch(topic, raw.leaves),
      ])
      return { joins, leaves }
    } catch (error) {
      this.#onError(error)
      return raw
    }
  }

  #notifyMetas(topic: string, diff: PresenceDiff): void {
    if (this.#metasHandlers.size === 0) return
    const raw = diffPayload(diff)
    // A topic first seen here (or after a handler came late) is seeded from the tracker,
    // whose state already includes this diff.
    const presences = this.#metas.has(topic)
      ? this.#metas.apply(topic, raw)
      : this.#metas.seed(topic, this.#tracker.list(topic))
    for (const handler of [...this.#metasHandlers]) {
      try {
        handler(topic, raw, presences)
      } catch (error) {
        this.#onError(error)
      }
    }
  }

  #link(channel: PresenceChannel): void {
    if (this.#linked.has(channel)) return
    this.#linked.add(channel)
    channel.onTerminate(() => {
      this.#linked.delete(channel)
      try {
        this.#tracker.untrackAll(channel.ownerId)
      } catch (error) {
        // A stopped tracker has nothing left to untrack; its peers drop us by themselves.
        if (!(error instanceof TrackerError && error.code === 'STOPPED')) this.#onError(error)
      }
    })
  }
}

function isEmpty(map: PresenceMap): boolean {
  for (const _ in map) return false
  return true
}

function nullProto(map: PresenceMap): PresenceMap {
  return Object.assign(Object.create(null) as PresenceMap, map)
}
