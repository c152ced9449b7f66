// What a channel holds that must be released when it ends, whatever the reason: PubSub
// subscriptions (its fastlane entry, ch.subscribe topics) and onTerminate hooks (Presence
// untracks through these). Released exactly once; late registrations are released at once.

import type { Logger, TerminateReason } from './types.js'

export class ChannelResources {
  readonly #logger: Logger
  readonly #topic: string
  #subs: Array<() => void> = []
  // Arrays grown by concat hold exactly their entries: a live channel usually has one of
  // each, and one of these exists per channel.
  #hooks: ReadonlyArray<(reason: TerminateReason) => void> = []
  #reason: TerminateReason | undefined

  constructor(logger: Logger, topic: string) {
    this.#logger = logger
    this.#topic = topic
  }

  /** Why it was released, or undefined while live. */
  get reason(): TerminateReason | undefined {
    return this.#reason
  }

  /** Keeps `unsubscribe` until release; returns a disposer that runs it early. */
  addSubscription(unsubscribe: () => void): () => void {
    if (this.#reason !== undefined) {
      unsubscribe()
      return () => {}
    }
    const dispose = (): void => {
      if (!this.#subs.includes(dispose)) return
      this.#subs = this.#subs.filter((d) => d !== dispose)
      unsubscribe()
    }
    this.#subs = this.#subs.concat(dispose)
    return dispose
  }

  onTerminate(fn: (reason: TerminateReason) => void): () => void {
    if (this.#reason !== undefined) {
      this.#call(fn, this.#reason)
      return () => {}
    }
    if (!this.#hooks.includes(fn)) this.#hooks = this.#hooks.concat(fn)
    return () => void (this.#hooks = this.#hooks.filter((h) => h !== fn))
  }

  /** Unsubscribes everything, then runs the hooks. Idempotent. */
  release(reason: TerminateReason): void {
    if (this.#reason !== undefined) return
    this.#reason = reason
    for (const dispose of this.#subs.slice()) dispose()
    const hooks = this.#hooks
    this.#hooks = []
    for (const fn of hooks) this.#call(fn, reason)
  }

  #call(fn: (reason: TerminateReason) => void, reason: TerminateReason): void {
    try {
      fn(reason)
    } catch (error) {
      this.#logger.error('plume: onTerminate hook threw', { topic: this.#topic, error })
    }
  }
}
