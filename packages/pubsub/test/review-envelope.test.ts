// Review regression: a message whose toJSON() yields undefined is, like `undefined` itself,
// not sendable. Encoding used to succeed with no "message" field, so the sender saw success
// while every receiver logged BAD_ENVELOPE and dropped it.

import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import { MemoryBus, PubSub, PubSubError, encodeEnvelope, silentLogger } from '@plume/pubsub'

const isBadMessage = (error: unknown): boolean =>
  error instanceof PubSubError && error.code === 'BAD_MESSAGE'

describe('encodeEnvelope with a top-level toJSON returning undefined (review)', () => {
  it('throws BAD_MESSAGE instead of emitting an envelope without a message', () => {
    const message = { toJSON: (): undefined => undefined }
    assert.throws(
      () =>
        encodeEnvelope({
          v: 1,
          mode: 'except',
          node: 'a',
          sender: 'a',
          topic: 't',
          dispatcher: 'default',
          message,
        }),
      isBadMessage,
    )
  })

  it('rejects the broadcast on the sending node', async () => {
    const bus = new MemoryBus({ logger: silentLogger })
    const a = new PubSub({ adapter: bus.adapter('a'), logger: silentLogger })
    const b = new PubSub({ adapter: bus.adapter('b'), logger: silentLogger })
    await Promise.all([a.start(), b.start()])
    try {
      await assert.rejects(a.broadcast('t', { toJSON: () => undefined }), isBadMessage)
    } finally {
      await Promise.all([a.close(), b.close()])
    }
  })
})
