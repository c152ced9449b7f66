// The test's own subscription to a topic, as Phoenix's subscribe_and_join makes the test
// process a subscriber: it records the topic's broadcasts, and broadcasts the test makes
// with broadcastFrom skip it.

import type { PubSub, Subscription } from '@plume/pubsub'
import { isBroadcast } from '../fastlane.js'
import type { Broadcast } from '../types.js'
import { Mailbox } from './mailbox.js'
import { show } from './match.js'

export class BroadcastRecorder {
  /** The subscription owner; `broadcastFrom` skips it. */
  readonly owner = Symbol('plume test subscriber')
  readonly mailbox = new Mailbox<Broadcast>((b) => `broadcast "${b.event}": ${show(b.payload)}`)
  #subscription: Subscription | undefined

  /** Starts recording; a plain subscriber gets every broadcast as data, not as a frame. */
  subscribe(pubsub: PubSub, topic: string): this {
    this.#subscription ??= pubsub.subscribe(
      topic,
      (m) => {
        if (isBroadcast(m)) this.mailbox.add(m)
      },
      { owner: this.owner },
    )
    return this
  }

  unsubscribe(): void {
    this.#subscription?.unsubscribe()
    this.#subscription = undefined
  }
}
