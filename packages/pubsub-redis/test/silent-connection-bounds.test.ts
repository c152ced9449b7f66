// When the network to Redis dies silently (TCP stays open, nothing gets
// through: a cut or a frozen broker), broadcast() used to wait forever for the PUBLISH reply
// and close() for the claim release and QUIT, so a SIGTERM shutdown could hang. Now both are
// bounded by commandTimeoutMs and closeTimeoutMs, and close() leaves no socket behind.
import { describe, it } from 'node:test'
import assert from 'node:assert/strict'
import { RedisAdapter } from '@plume/pubsub-redis'
import type { RedisAdapterOptions } from '@plume/pubsub-redis'
import { within } from '@plume/testkit'
import { Inbox, probe, settlesAtBound, silentConnectionHarness } from '@plume/testkit/pubsub'

const COMMAND_MS = 250
// Below COMMAND_MS: a polite close whose commands time out (the claim release, QUIT) must never
// race the close bound itself, or close() may end a few ms before the bound under load.
const CLOSE_MS = 150

void describe('RedisAdapter on a silently dead connection', () => {
  const harness = silentConnectionHarness({
    kind: 'redis',
    closeMs: CLOSE_MS,
    makeAdapter: (proxy, logger, nodeName, extra?: Partial<RedisAdapterOptions>) =>
      new RedisAdapter({
        url: proxy.url('redis'),
        nodeName,
        prefix: 'silent',
        logger,
        reconnect: { initialDelayMs: 10, maxDelayMs: 50 },
        commandTimeoutMs: COMMAND_MS,
        closeTimeoutMs: CLOSE_MS,
        ...extra,
      }),
  })
  const { start, closeWithinBound } = harness

  void it('broadcast() settles after commandTimeoutMs, drops, and reconnects', async () => {
    const cut = await start()
    cut.proxy.cut()
    await settlesAtBound(
      cut.adapter.broadcast(probe(1)),
      'broadcast()',
      COMMAND_MS,
      (took) => `broadcast settled after ${took} ms`,
    )
    // The silent publisher was dropped: one warning for the outage, however many drops.
    await cut.logger.line('warn', 'redis connection lost')
    await within(cut.adapter.broadcast(probe(2)), 'broadcast() while reconnecting')
    assert.equal(cut.logger.count('warn', 'redis connection lost'), 1)
    assert.equal(cut.logger.count('debug', 'publish dropped'), 2)
    await closeWithinBound(cut)
  })

  void it('close() resolves after closeTimeoutMs and drops both connections', async () => {
    // Commands would wait far longer: only the close bound can end the claim release.
    const cut = await start({ commandTimeoutMs: 60_000 })
    cut.proxy.cut()
    await closeWithinBound(cut)
    // The abandoned release fails once the connections are dropped; close() said it all.
    assert.equal(cut.logger.count('warn', 'claim not released'), 0)
  })

  void it('close() still releases the name politely while Redis answers', async () => {
    const cut = await start({ closeTimeoutMs: 10_000 })
    await cut.adapter.close()
    assert.deepEqual(cut.logger.problems(), [])
    // The claim is gone at once: the same name starts again without DUPLICATE_NODE.
    const again = new RedisAdapter({
      url: harness.server.url,
      nodeName: cut.adapter.nodeName,
      prefix: 'silent',
    })
    try {
      await again.start(new Inbox().deliver)
    } finally {
      await again.close()
    }
  })
})
