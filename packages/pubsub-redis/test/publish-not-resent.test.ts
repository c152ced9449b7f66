// A PUBLISH that Redis executed but whose reply was lost with the
// connection must not be re-sent after the reconnect (ioredis resends unfulfilled commands
// by default), or every subscriber receives the message twice (at-most-once broken).
import { after, before, describe, it } from 'node:test'
import assert from 'node:assert/strict'
import { silentLogger } from '@plume/pubsub'
import { RedisAdapter } from '@plume/pubsub-redis'
import { startBroker, TcpProxy, type Broker, type ProxyLink } from '@plume/testkit'
import { deliverEventually, Inbox, probe } from '@plume/testkit/pubsub'

/** What the proxy does to the next PUBLISH once armed: forward it, swallow its replies. */
interface Swallow {
  armed: boolean
  held: ProxyLink | undefined
}

function replySwallower(upstreamPort: number, swallow: Swallow): Promise<TcpProxy> {
  return TcpProxy.start(upstreamPort, {
    onChunk: (link, direction, chunk) => {
      if (direction !== 'up' || !swallow.armed) return
      if (!/publish/i.test(chunk.toString('latin1'))) return
      swallow.armed = false
      swallow.held = link
      link.mute('down')
    },
  })
}

void describe('RedisAdapter publish during a connection drop', () => {
  let server: Broker
  let proxy: TcpProxy
  const swallow: Swallow = { armed: false, held: undefined }
  let sender: RedisAdapter
  let receiver: RedisAdapter
  const inbox = new Inbox()

  before(async () => {
    server = await startBroker('redis')
    proxy = await replySwallower(server.port, swallow)
    const options = { prefix: 'resend', logger: silentLogger }
    const reconnect = { initialDelayMs: 10, maxDelayMs: 50 }
    sender = new RedisAdapter({ ...options, url: proxy.url('redis'), nodeName: 'a', reconnect })
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
    swallow.armed = true
    const sent = sender.broadcast(probe(1000))
    await inbox.topic('probe-1000') // Redis executed it; the reply never reaches the client
    assert.ok(swallow.held !== undefined)
    swallow.held.destroy()
    await sent // resolves: a lost connection is not the caller's error
    // Probes go out on the same publisher connection after the reconnect, so once one
    // arrives, a re-sent copy of probe 1000 would have arrived before it.
    await deliverEventually(sender, inbox)
    assert.equal(inbox.items.filter((m) => m.topic === 'probe-1000').length, 1)
  })
})
