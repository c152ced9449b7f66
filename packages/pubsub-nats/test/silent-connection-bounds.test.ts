// When the network to NATS dies silently (TCP stays open, nothing gets
// through: a cut or a frozen server), close() drained until the client's stale detection
// (2 min × 2 by default), so a SIGTERM shutdown could hang that long. close() is now bounded
// by closeTimeoutMs and leaves no socket behind; broadcast() never waited on the server.
import { describe, it } from 'node:test'
import assert from 'node:assert/strict'
import { NatsAdapter } from '@plume/pubsub-nats'
import type { NatsAdapterOptions } from '@plume/pubsub-nats'
import { within } from '@plume/testkit'
import { isCode, probe, silentConnectionHarness } from '@plume/testkit/pubsub'

const CLOSE_MS = 250

void describe('NatsAdapter on a silently dead connection', () => {
  // Default ping settings: the client would take minutes to notice the cut by itself.
  const { start, closeWithinBound } = silentConnectionHarness({
    kind: 'nats',
    closeMs: CLOSE_MS,
    makeAdapter: (proxy, logger, nodeName, extra?: Partial<NatsAdapterOptions>) =>
      new NatsAdapter({
        servers: proxy.url('nats'),
        nodeName,
        prefix: 'silent',
        logger,
        claimTimeoutMs: 20,
        closeTimeoutMs: CLOSE_MS,
        ...extra,
      }),
  })

  void it('broadcast() settles at once: the client buffers, nothing waits on the server', async () => {
    const cut = await start()
    cut.proxy.cut()
    for (let n = 1; n <= 20; n++) {
      await within(cut.adapter.broadcast(probe(n)), `broadcast ${n}`, 500)
      await within(cut.adapter.directBroadcast('other', probe(n)), `direct ${n}`, 500)
    }
    assert.equal(cut.logger.count('warn', 'connection lost'), 0) // the cut went unnoticed
    await closeWithinBound(cut)
  })

  void it('close() stops draining after closeTimeoutMs and closes the connection', async () => {
    const cut = await start()
    await cut.adapter.broadcast(probe(1)) // something to flush
    cut.proxy.cut()
    await closeWithinBound(cut)
    await assert.rejects(cut.adapter.broadcast(probe(2)), /closed/)
  })

  void it('close() still drains politely while the server answers', async () => {
    const cut = await start({ closeTimeoutMs: 10_000 })
    await cut.adapter.broadcast(probe(1))
    await cut.adapter.close()
    assert.deepEqual(cut.logger.problems(), [])
  })
})

void describe('NatsAdapter closeTimeoutMs validation', () => {
  for (const closeTimeoutMs of [0, -1, Number.NaN, Number.POSITIVE_INFINITY, 2 ** 31]) {
    void it(`refuses closeTimeoutMs ${closeTimeoutMs} with INVALID_ARGUMENT`, () => {
      assert.throws(
        () => new NatsAdapter({ servers: 'nats://127.0.0.1:1', nodeName: 'a', closeTimeoutMs }),
        (error: unknown) =>
          isCode('INVALID_ARGUMENT')(error) && /closeTimeoutMs/.test(String(error)),
      )
    })
  }
})
