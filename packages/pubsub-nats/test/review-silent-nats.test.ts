// Review regression: when the network to NATS dies silently (TCP stays open, nothing gets
// through: a cut or a frozen server), close() drained until the client's stale detection
// (2 min × 2 by default), so a SIGTERM shutdown could hang that long. close() is now bounded
// by closeTimeoutMs and leaves no socket behind; broadcast() never waited on the server.
import { after, before, describe, it } from 'node:test'
import assert from 'node:assert/strict'
import { NatsAdapter } from '@plume/pubsub-nats'
import type { NatsAdapterOptions } from '@plume/pubsub-nats'
import {
  elapsed,
  openTcpSockets,
  startBroker,
  TcpProxy,
  waitFor,
  within,
  type Broker,
} from '@plume/testkit'
import { Inbox, isCode, probe, RecordingLogger } from '@plume/testkit/pubsub'

const CLOSE_MS = 250
// Timers never fire early by more than rounding; late by a loaded machine's hiccup at most.
const EARLY_MS = 5
const SLACK_MS = 1500

interface Cut {
  readonly adapter: NatsAdapter
  readonly proxy: TcpProxy
  readonly logger: RecordingLogger
  /** TCP sockets of the process before the adapter connected. */
  readonly baseline: number
}

void describe('NatsAdapter on a silently dead connection (review)', () => {
  let server: Broker
  const proxies: TcpProxy[] = []

  before(async () => {
    server = await startBroker('nats')
  })
  after(async () => {
    await Promise.all(proxies.map((p) => p.close()))
    await server.stop()
  })

  // Default ping settings: the client would take minutes to notice the cut by itself.
  async function startBehindProxy(extra: Partial<NatsAdapterOptions> = {}): Promise<Cut> {
    const proxy = await TcpProxy.start(server.port)
    proxies.push(proxy)
    const logger = new RecordingLogger()
    const baseline = openTcpSockets()
    const adapter = new NatsAdapter({
      servers: proxy.url('nats'),
      nodeName: `n${proxies.length}`,
      prefix: 'silent',
      logger,
      claimTimeoutMs: 20,
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
    await cut.logger.line('warn', 'nats close timed out')
    await waitFor(
      'the adapter to hold no socket',
      () => openTcpSockets() <= cut.baseline + cut.proxy.openSockets,
      {
        timeoutMs: 1000,
        describe: () => ({ all: openTcpSockets(), proxy: cut.proxy.openSockets }),
      },
    )
  }

  void it('broadcast() settles at once: the client buffers, nothing waits on the server', async () => {
    const cut = await startBehindProxy()
    cut.proxy.cut()
    for (let n = 1; n <= 20; n++) {
      await within(cut.adapter.broadcast(probe(n)), `broadcast ${n}`, 500)
      await within(cut.adapter.directBroadcast('other', probe(n)), `direct ${n}`, 500)
    }
    assert.equal(cut.logger.count('warn', 'connection lost'), 0) // the cut went unnoticed
    await closeWithinBound(cut)
  })

  void it('close() stops draining after closeTimeoutMs and closes the connection', async () => {
    const cut = await startBehindProxy()
    await cut.adapter.broadcast(probe(1)) // something to flush
    cut.proxy.cut()
    await closeWithinBound(cut)
    await assert.rejects(cut.adapter.broadcast(probe(2)), /closed/)
  })

  void it('close() still drains politely while the server answers', async () => {
    const cut = await startBehindProxy({ closeTimeoutMs: 10_000 })
    await cut.adapter.broadcast(probe(1))
    await cut.adapter.close()
    assert.deepEqual(cut.logger.problems(), [])
  })
})

void describe('NatsAdapter closeTimeoutMs validation (review)', () => {
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
