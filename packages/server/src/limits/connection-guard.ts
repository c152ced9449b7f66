// One connection's share of the abuse limits: its frame rate, joins, presence updates, and
// its channels' places in the per-topic member counts of its socket. Pure bookkeeping;
// the connection turns each verdict into a reply or a close.

import type { ResolvedLimits } from './options.js'
import type { KeyedCounter } from './rate.js'
import { TokenBucket, WindowCounter } from './rate.js'

/** What to do with an inbound frame. */
export type FrameVerdict = 'handle' | 'refuse' | 'close'

export class ConnectionGuard {
  readonly limits: ResolvedLimits
  readonly #bucket: TokenBucket
  readonly #refused: WindowCounter
  readonly #joins: WindowCounter
  readonly #presence: WindowCounter
  readonly #members: KeyedCounter
  // Channel and release pairs, exact-size (concat): one guard per connection, usually one pair.
  #held: ReadonlyArray<readonly [object, () => void]> = []

  constructor(limits: ResolvedLimits, members: KeyedCounter, now: number) {
    this.limits = limits
    this.#bucket = new TokenBucket(limits.messagesPerSecond, limits.burst, now)
    this.#refused = new WindowCounter(limits.rateLimitCloseAfter, 1000)
    this.#joins = new WindowCounter(limits.joinsPerWindow, limits.windowMs)
    this.#presence = new WindowCounter(limits.presenceUpdatesPerWindow, limits.windowMs)
    this.#members = members
  }

  /** The rate limit: handle, refuse with an error reply, or close (1008) when it persists. */
  admitFrame(now: number): FrameVerdict {
    if (this.#bucket.take(now)) return 'handle'
    return this.#refused.hit(now) ? 'refuse' : 'close'
  }

  /** Why a message on `topic` is refused before routing, or undefined. */
  checkTopic(topic: string): string | undefined {
    return topic.length > this.limits.maxTopicLength ? 'topic too long' : undefined
  }

  /** Why a join to `topic` is refused, or undefined (the join is counted). */
  checkJoin(topic: string, now: number): string | undefined {
    if (this.#members.get(topic) >= this.limits.maxMembersPerTopic) return 'topic full'
    return this.#joins.hit(now) ? undefined : 'too many joins'
  }

  /** Counts one presence track/update; false once the window's budget is spent. */
  admitPresenceUpdate(now: number): boolean {
    return this.#presence.hit(now)
  }

  /** A channel took a place among `topic`'s members until {@link left}. */
  joined(channel: object, topic: string): void {
    this.left(channel)
    this.#held = this.#held.concat([[channel, this.#members.acquire(topic)]])
  }

  left(channel: object): void {
    const pair = this.#held.find(([held]) => held === channel)
    if (pair === undefined) return
    this.#held = this.#held.filter((p) => p !== pair)
    pair[1]()
  }

  /** Gives every place back (the connection ended). */
  leaveAll(): void {
    const held = this.#held
    this.#held = []
    for (const [, release] of held) release()
  }
}
