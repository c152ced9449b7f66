// Review regression: close() on a connection that has silently died (no TCP close, so the
// adapter still thinks it is up) must really close the nats client. nats' drain() resolves
// without closing when its flush is cut off by a reconnect; the client then kept
// reconnecting forever after close() had resolved.
import { after, before, describe, it } from 'node:test'
import assert from 'node:assert/strict'
import { once } from 'node:events'
import { createConnection, createServer } from 'node:net'
import type { AddressInfo, Server, Socket } from 'node:net'
import { connect } from 'nats'
import { silentLogger } from '@plume/pubsub'
import { NatsAdapter } from '@plume/pubsub-nats'
import { startBroker, waitFor, type Broker } from '@plume/testkit'
import { Inbox } from '@plume/testkit/pubsub'

/** TCP proxy that can "cut" the network: live pairs go silent and new dials are refused. */
class CuttableProxy {
  cut = false
  accepted = 0
  readonly #server: Server
  readonly #sockets = new Set<Socket>()

  constructor(upstreamPort: number) {
    this.#server = createServer((client) => {
      this.accepted++
      this.#track(client)
      if (this.cut) {
        client.destroy()
        return
      }
      const upstream = createConnection({ host: '127.0.0.1', port: upstreamPort })
      this.#track(upstream)
      client.on('close', () => upstream.destroy())
      upstream.on('close', () => client.destroy())
      client.on('data', (chunk: Buffer) => this.cut || upstream.write(chunk))
      upstream.on('data', (chunk: Buffer) => this.cut || client.write(chunk))
    })
  }

  async listen(): Promise<string> {
    this.#server.listen(0, '127.0.0.1')
    await once(this.#server, 'listening')
    return `nats://127.0.0.1:${(this.#server.address() as AddressInfo).port}`
  }

  async close(): Promise<void> {
    for (const s of this.#sockets) s.destroy()
    this.#server.close()
    await once(this.#server, 'close')
  }

  #track(socket: Socket): void {
    this.#sockets.add(socket)
    socket.on('error', () => undefined)
    socket.on('close', () => this.#sockets.delete(socket))
  }
}

// Fast stale detection and redials, so the cut is noticed within ~100 ms.
const connectOptions = { pingInterval: 50, maxPingOut: 1, reconnectTimeWait: 10 }

void describe('NatsAdapter closed while the network is silently cut (review)', () => {
  let server: Broker
  let adapterProxy: CuttableProxy
  let controlProxy: CuttableProxy

  before(async () => {
    server = await startBroker('nats')
    adapterProxy = new CuttableProxy(server.port)
    controlProxy = new CuttableProxy(server.port)
  })
  after(async () => {
    await Promise.all([adapterProxy.close(), controlProxy.close()])
    await server.stop()
  })

  void it('stops reconnecting once close() has resolved', async () => {
    const adapter = new NatsAdapter({
      servers: await adapterProxy.listen(),
      nodeName: 'a',
      logger: silentLogger,
      claimTimeoutMs: 20,
      connectOptions,
    })
    // A client left open through the same kind of cut: its redials measure elapsed time.
    const control = await connect({ servers: await controlProxy.listen(), ...connectOptions })
    try {
      await adapter.start(new Inbox().deliver)
      adapterProxy.cut = true
      controlProxy.cut = true
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
