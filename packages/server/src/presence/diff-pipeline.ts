// Turns each topic's stream of tracker diffs into `presence_diff` broadcasts. A quiet topic's
// diff goes out at once; while a topic stays busy its diffs merge (see DiffBatch) and go out once
// per window, which doubles while every window has something to send and falls back when the
// topic calms down; a topic's window grows only as far as its size warrants (a broadcast costs a
// frame per member). At most one `fetch` per topic is in flight: diffs that arrive meanwhile wait
// in the topic's batch, so a slow `fetch` holds at most one pending change per presence, never a
// queue that grows with the number of diffs. Topics are independent; within a topic, broadcasts
// keep production order.
import type { PresenceDiff } from '@plume/tracker'
import type { Cancel, Scheduler } from '../time.js'
import { DiffBatch } from './diff-batch.js'

/** How diffs of one topic are merged; `false` sends one broadcast per tracker diff. */
export interface CoalesceOptions {
  /** The first window after a broadcast, in ms. @default 10 */
  minWindowMs?: number
  /** The longest window a busy topic grows to, in ms. @default 100 */
  maxWindowMs?: number
  /**
   * How far a busy topic’s window may grow per presence, in ms: a broadcast costs one frame
   * per member, so small rooms keep short windows (low latency) and only big ones reach
   * `maxWindowMs` (with the defaults, from 2,000 presences on). @default 0.05
   */
  windowMsPerPresence?: number
}

/** Presences in a topic, for sizing its window. */
export type TopicSize = (topic: string) => number

/** What the pipeline does with a topic's merged diff: enrich and broadcast it. */
export type DiffSend = (topic: string, diff: PresenceDiff) => Promise<void> | void

interface TopicState {
  /** Batches waiting to be sent, oldest first; one at most when coalescing. */
  readonly batches: DiffBatch[]
  window: number
  sending: boolean
  timer: Cancel | undefined
  idle: Array<() => void>
}

/** Per-topic merging and pacing of presence diffs. */
export class DiffPipeline {
  readonly #topics = new Map<string, TopicState>()
  readonly #coalesce: boolean
  readonly #min: number
  readonly #max: number
  readonly #perPresence: number

  constructor(
    readonly scheduler: Scheduler,
    readonly send: DiffSend,
    readonly onError: (error: unknown) => void,
    options: CoalesceOptions | false,
    readonly size: TopicSize = () => Infinity,
  ) {
    this.#coalesce = options !== false
    ;({ min: this.#min, max: this.#max, perPresence: this.#perPresence } = resolveWindows(options))
  }

  push(topic: string, diff: PresenceDiff): void {
    const state = this.#state(topic)
    const last = state.batches[state.batches.length - 1]
    const batch = this.#coalesce && last !== undefined ? last : new DiffBatch()
    if (batch !== last) state.batches.push(batch)
    batch.add(diff)
    if (!state.sending && state.timer === undefined) void this.#flush(topic, state)
  }

  /** Resolves once every change pushed so far has been sent (open windows are cut short). */
  async flushed(): Promise<void> {
    await Promise.all([...this.#topics].map(([topic, state]) => this.#settle(topic, state)))
  }

  /** Topics with something pending, a send in flight or an open window. */
  get activeTopics(): number {
    return this.#topics.size
  }

  #settle(topic: string, state: TopicState): Promise<void> {
    if (state.batches.length === 0 && !state.sending) return Promise.resolve()
    const settled = new Promise<void>((resolve) => state.idle.push(resolve))
    if (state.timer !== undefined) void this.#flush(topic, state)
    return settled
  }

  async #flush(topic: string, state: TopicState): Promise<void> {
    state.timer?.()
    state.timer = undefined
    const batch = state.batches.shift()
    if (batch === undefined) return this.#release(topic, state)
    const merged = batch.diffs > 1
    state.sending = true
    await this.#send(topic, batch)
    state.sending = false
    state.window = merged ? Math.min(this.#cap(topic), state.window * 2) : this.#min
    this.#next(topic, state)
  }

  async #send(topic: string, batch: DiffBatch): Promise<void> {
    try {
      if (!batch.empty) await this.send(topic, batch.take())
    } catch (error) {
      this.onError(error)
    }
  }

  // Someone waiting in flushed() should not wait out a window; otherwise pace the topic.
  #next(topic: string, state: TopicState): void {
    const pending = state.batches.length > 0
    if (pending && (state.idle.length > 0 || state.window === 0)) void this.#flush(topic, state)
    else if (!pending && (state.idle.length > 0 || state.window === 0)) this.#release(topic, state)
    else state.timer = this.scheduler.after(state.window, () => void this.#flush(topic, state))
  }

  #cap(topic: string): number {
    return Math.max(this.#min, Math.min(this.#max, this.size(topic) * this.#perPresence))
  }

  #release(topic: string, state: TopicState): void {
    this.#topics.delete(topic)
    for (const resolve of state.idle.splice(0)) resolve()
  }

  #state(topic: string): TopicState {
    let state = this.#topics.get(topic)
    if (state === undefined) {
      state = { batches: [], window: this.#min, sending: false, timer: undefined, idle: [] }
      this.#topics.set(topic, state)
    }
    return state
  }
}

function resolveWindows(
  options: CoalesceOptions | false,
): Record<'min' | 'max' | 'perPresence', number> {
  if (options === false) return { min: 0, max: 0, perPresence: 0 }
  const min = options.minWindowMs ?? 10
  const max = options.maxWindowMs ?? 100
  const perPresence = options.windowMsPerPresence ?? 0.05
  if (!Number.isFinite(min) || min < 0 || !Number.isFinite(max) || max < min) {
    throw new RangeError(
      `coalesce windows must satisfy 0 <= minWindowMs <= maxWindowMs, got ${min} and ${max}`,
    )
  }
  if (!(perPresence >= 0))
    throw new RangeError(`windowMsPerPresence must be >= 0, got ${perPresence}`)
  return { min, max, perPresence }
}
