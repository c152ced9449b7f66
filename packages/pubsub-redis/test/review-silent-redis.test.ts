// Review regression: when the network to Redis dies silently (TCP stays open, nothing gets
// through: a cut or a frozen broker), broadcast() used to wait forever for the PUBLISH reply
// and close() for the claim release and QUIT, so a SIGTERM shutdown could hang. Now both are
// bounded by commandTimeoutMs and closeTimeoutMs, and close() leaves no socket behind.
import { after, before, describe, it } from 'node:test'
import assert from 'node:assert/strict'
import { RedisAdapter } from '@plume/pubsub-redis'
import type { RedisAdapterOptions } from '@plume/pubsub-redis'
import {
  elapsed,
  openTcpSockets,
  startBroker,
  TcpProxy,
  waitFor,
  within,
  type Broker,
} from '@plume/testkit'
import { Inbox, probe, RecordingLogger } from '@plume/testkit/pubsub'

const COMMAND_MS = 250
const CLOSE_MS = 250
// Timers never fire early by more than rounding; late by a loaded machine's hiccup at most.
const EARLY_MS = 5
const SLACK_MS = 1500

interface Cut {
  readonly adapter: RedisAdapter
  readonly proxy: TcpProxy
  readonly logger: RecordingLogger
  /** TCP sockets of the process before the adapter connected. */
  readonly baseline: number
}

void describe('RedisAdapter on a silently dead connection (review)', () => {
  let server: Broker
  const proxies: TcpProxy[] = []

  before(async () => {
    server = await startBroker('redis')
  })
  after(async () => {
    await Promise.all(proxies.map((p) => p.close()))
    await server.stop()
  })

  async function startBehindProxy(extra: Partial<RedisAdapterOptions> = {}): Promise<Cut> {
    const proxy = await TcpProxy.start(server.port)
    proxies.push(proxy)
    const logger = new RecordingLogger()
    const baseline = openTcpSockets()
    const adapter = new RedisAdapter({
      url: proxy.url('redis'),
      nodeName: `n${proxies.length}`,
      prefix: 'silent',
      logger,
      reconnect: { initialDelayMs: 10, maxDelayMs: 50 },
      commandTimeoutMs: COMMAND_MS,
      closeTimeoutMs: CLOSE_MS,
      ...extra,
    })
    await adapter.start(new Inbox().deliver)
    return { adapter, proxy, logger, baseline }
  }

  async function closeWithinBound(cut: Cut): Promise<void> {
    const started = performance.now()
    await within(cut.adapter.close(), 'close() on a silent connection', CLOSE_MS + SLACK_MS)
    const took = elapsed(started)
    assert.ok(took >= CLOSE_MS - EARLY_MS, `close() gave up after ${took} ms, before its bound`)
    await cut.logger.line('warn', 'redis close timed out')
    // Its sockets are gone although the silent peer never answered their FIN.
    await waitFor(
      'the adapter to hold no socket',
      () => openTcpSockets() <= cut.baseline + cut.proxy.openSockets,
      {
        timeoutMs: 1000,
        describe: () => ({ all: openTcpSockets(), proxy: cut.proxy.openSockets }),
      },
    )
  }

  void it('broadcast() settles after commandTimeoutMs, drops, and reconnects', async () => {
    const cut = await startBehindProxy()
    cut.proxy.cut()
    const started = performance.now()
    await within(cut.adapter.broadcast(probe(1)), 'broadcast()', COMMAND_MS + SLACK_MS)
    const took = elapsed(started)
    assert.ok(took >= COMMAND_MS - EARLY_MS, `broadcast settled after ${took} ms`)
    // The silent publisher was dropped: one warning for the outage, however many drops.
    await cut.logger.line('warn', 'redis connection lost')
    await within(cut.adapter.broadcast(probe(2)), 'broadcast() while reconnecting')
    assert.equal(cut.logger.count('warn', 'redis connection lost'), 1)
    assert.equal(cut.logger.count('debug', 'publish dropped'), 2)
    await closeWithinBound(cut)
  })

  void it('close() resolves after closeTimeoutMs and drops both connections', async () => {
    // Commands would wait far longer: only the close bound can end the claim release.
    const cut = await startBehindProxy({ commandTimeoutMs: 60_000 })
    cut.proxy.cut()
    await closeWithinBound(cut)
    // The abandoned release fails once the connections are dropped; close() said it all.
    assert.equal(cut.logger.count('warn', 'claim not released'), 0)
  })

  void it('close() still releases the name politely while Redis answers', async () => {
    const cut = await startBehindProxy({ closeTimeoutMs: 10_000 })
    await cut.adapter.close()
    assert.deepEqual(cut.logger.problems(), [])
    // The claim is gone at once: the same name starts again without DUPLICATE_NODE.
    const again = new RedisAdapter({
      url: server.url,
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
