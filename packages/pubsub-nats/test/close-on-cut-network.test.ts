// Close() on a connection that has silently died (no TCP close, so the
// adapter still thinks it is up) must really close the nats client. nats' drain() resolves
// without closing when its flush is cut off by a reconnect; the client then kept
// reconnecting forever after close() had resolved.
import { after, before, describe, it } from 'node:test'
import assert from 'node:assert/strict'
import { connect } from 'nats'
import { silentLogger } from '@plume/pubsub'
import { NatsAdapter } from '@plume/pubsub-nats'
import { startBroker, TcpProxy, waitFor, type Broker } from '@plume/testkit'
import { Inbox } from '@plume/testkit/pubsub'

// Fast stale detection and redials, so the cut is noticed within ~100 ms.
const connectOptions = { pingInterval: 50, maxPingOut: 1, reconnectTimeWait: 10 }

void describe('NatsAdapter closed while the network is silently cut', () => {
  let server: Broker
  let adapterProxy: TcpProxy
  let controlProxy: TcpProxy

  before(async () => {
    server = await startBroker('nats')
    adapterProxy = await TcpProxy.start(server.port)
    controlProxy = await TcpProxy.start(server.port)
  })
  after(async () => {
    await Promise.all([adapterProxy.close(), controlProxy.close()])
    await server.stop()
  })

  void it('stops reconnecting once close() has resolved', async () => {
    const adapter = new NatsAdapter({
      servers: adapterProxy.url('nats'),
      nodeName: 'a',
      logger: silentLogger,
      claimTimeoutMs: 20,
      connectOptions,
    })
    // A client left open through the same kind of cut: its redials measure elapsed time.
    const control = await connect({ servers: controlProxy.url('nats'), ...connectOptions })
    try {
      await adapter.start(new Inbox().deliver)
      adapterProxy.cut()
      controlProxy.cut()
      await adapter.close()
      const acceptedAtClose = adapterProxy.accepted
      const controlAtClose = controlProxy.accepted
      await waitFor('the control client to redial 5 times', () =>
        Promise.resolve(controlProxy.accepted >= controlAtClose + 5),
      )
      // One dial may already have been in flight when close() ran; a live client keeps going.
      assert.ok(
        adapterProxy.accepted <= acceptedAtClose + 1,
        `${adapterProxy.accepted - acceptedAtClose} redials after close()`,
      )
    } finally {
      await control.close()
    }
  })
})
