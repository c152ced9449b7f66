// Small builders shared by the adapter tests: messages, numbered probes, error matchers and
// the bounded "probe until one arrives" loop used after a broker comes back.
import { PubSubError } from '@plume/pubsub'
import type { Adapter, RemoteMessage } from '@plume/pubsub'
import { TestkitError } from '../errors.js'
import type { Inbox } from './recorders.js'

/** A RemoteMessage on `topic` for the default dispatcher. */
export function msg(topic: string, message: unknown = { n: 1 }): RemoteMessage {
  return { topic, message, dispatcher: 'default' }
}

/** Probe number `n`: topic `probe-<n>`, message `n`. */
export function probe(n: number): RemoteMessage {
  return msg(`probe-${n}`, n)
}

/** An `assert.rejects`/`assert.throws` matcher for a PubSubError with `code`. */
export function isCode(code: string): (error: unknown) => boolean {
  return (error) => error instanceof PubSubError && error.code === code
}

/**
 * Broadcasts probes 1, 2, … from `from` until `to` receives one (at most 50, 100 ms each):
 * after a reconnect the receiver may resubscribe a moment after the sender is back.
 */
export async function deliverEventually(from: Adapter, to: Inbox): Promise<void> {
  for (let n = 1; n <= 50; n++) {
    await from.broadcast(probe(n))
    try {
      await to.topic(`probe-${n}`, 100)
      return
    } catch {
      // not yet resubscribed
    }
  }
  throw new TestkitError('TIMEOUT', 'no delivery after the broker restart')
}
