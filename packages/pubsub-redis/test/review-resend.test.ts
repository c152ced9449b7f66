// Review regression: a PUBLISH that Redis executed but whose reply was lost with the
// connection must not be re-sent after the reconnect (ioredis resends unfulfilled commands
// by default), or every subscriber receives the message twice (at-most-once broken).
import { after, before, describe, it } from 'node:test'
import assert from 'node:assert/strict'
import { createConnection, createServer } from 'node:net'
import type { AddressInfo, Server, Socket } from 'node:net'
import { once } from 'node:events'
import { silentLogger } from '@plume/pubsub'
import { RedisAdapter } from '@plume/pubsub-redis'
import { startBroker, type Broker } from '@plume/testkit'
import { deliverEventually, Inbox, probe } from '@plume/testkit/pubsub'

/** TCP proxy to Redis that, once armed, swallows the replies to the next PUBLISH. */
class ReplySwallower {
  armed = false
  held: Socket | undefined
  readonly #server: Server
  readonly #sockets = new Set<Socket>()

  constructor(upstreamPort: number) {
    this.#server = createServer((client) => {
      const upstream = createConnection({ host: '127.0.0.1', port: upstreamPort })
      let swallow = false
      for (const s of [client, upstream]) {
        this.#sockets.add(s)
        s.on('error', () => undefined)
        s.on('close', () => {
          this.#sockets.delete(s)
          client.destroy()
          upstream.destroy()
        })
      }
      client.on('data', (chunk: Buffer) => {
        if (this.armed && /publish/i.test(chunk.toString('latin1'))) {
          this.armed = false
          swallow = true
          this.held = client
        }
        upstream.write(chunk)
      })
      upstream.on('data', (chunk: Buffer) => {
        if (!swallow) client.write(chunk)
      })
    })
  }

  async listen(): Promise<string> {
    this.#server.listen(0, '127.0.0.1')
    await once(this.#server, 'listening')
    return `redis://127.0.0.1:${(this.#server.address() as AddressInfo).port}`
  }

  async close(): Promise<void> {
    for (const s of this.#sockets) s.destroy()
    this.#server.close()
    await once(this.#server, 'close')
  }
}

void describe('RedisAdapter publish during a connection drop (review)', () => {
  let server: Broker
  let proxy: ReplySwallower
  let sender: RedisAdapter
  let receiver: RedisAdapter
  const inbox = new Inbox()

  before(async () => {
    server = await startBroker('redis')
    proxy = new ReplySwallower(server.port)
    const options = { prefix: 'resend', logger: silentLogger }
    const reconnect = { initialDelayMs: 10, maxDelayMs: 50 }
    sender = new RedisAdapter({ ...options, url: await proxy.listen(), nodeName: 'a', reconnect })
    receiver = new RedisAdapter({ ...options, url: server.url, nodeName: 'b' })
    await sender.start(new Inbox().deliver)
    await receiver.start(inbox.deliver)
  })
  after(async () => {
    await Promise.all([sender.close(), receiver.close()])
    await proxy.close()
    await server.stop()
  })

  void it('does not deliver twice a message whose reply was lost', async () => {
    proxy.armed = true
    const sent = sender.broadcast(probe(1000))
    await inbox.topic('probe-1000') // Redis executed it; the reply never reaches the client
    assert.ok(proxy.held !== undefined)
    proxy.held.destroy()
    await sent // resolves: a lost connection is not the caller's error
    // Probes go out on the same publisher connection after the reconnect, so once one
    // arrives, a re-sent copy of probe 1000 would have arrived before it.
    await deliverEventually(sender, inbox)
    assert.equal(inbox.items.filter((m) => m.topic === 'probe-1000').length, 1)
  })
})
