// @plume/server/testing: virtual time drives a channel's timers (armed on the endpoint's
// scheduler), and the socket's life runs the production paths: crashes give phx_error,
// close terminates channels, a socket-id disconnect and a drain close the socket.
import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import {
  noReply,
  ok,
  silentLogger,
  type ChannelHandler,
  type SocketOptions,
  type TerminateReason,
} from '@plume/server'
import { channelTest, ManualScheduler } from '@plume/server/testing'

const terminated: TerminateReason[] = []

/** Pushes `tick` every second from join; `countdown` replies after 5 s through a captured ref. */
const Clock: ChannelHandler = {
  join(_topic, _params, ch) {
    let n = 0
    const tick = (): void => {
      ch.push('tick', { n: ++n })
      cancel = ch.endpoint.scheduler.after(1000, tick)
    }
    let cancel = ch.endpoint.scheduler.after(1000, tick)
    ch.onTerminate(() => cancel())
    return ok()
  },
  handleIn(event, _payload, ch) {
    if (event === 'crash') throw new Error('boom')
    const ref = ch.captureReply()
    ch.endpoint.scheduler.after(5000, () => ch.reply(ref, 'ok', { done: true }))
    return noReply()
  },
  terminate(reason) {
    terminated.push(reason)
  },
}

const ClockSocket: SocketOptions<{ user: string }> = {
  id: (assigns) => `user:${assigns.user}`,
  connect: (params) => ({ user: params['user'] ?? 'anon' }),
  channels: [['clock:*', Clock]],
}

function clockTest() {
  const scheduler = new ManualScheduler()
  const test = channelTest(ClockSocket, { scheduler, logger: silentLogger, refuteTimeout: 20 })
  return { scheduler, test }
}

describe('testing: virtual time', () => {
  it("advancing the injected scheduler fires the channel's timers, nothing else does", async () => {
    const { scheduler, test } = clockTest()
    await using _ = test
    const { channel } = await test.socket().subscribeAndJoin('clock:1')
    await channel.refutePush('tick')
    scheduler.advance(1000)
    await channel.assertPush('tick', { n: 1 })
    scheduler.advance(2000)
    await channel.assertPush('tick', { n: 2 })
    await channel.assertPush('tick', { n: 3 })
    await channel.refutePush('tick')
  })

  it('a reply captured in handleIn and sent from a timer', async () => {
    const { scheduler, test } = clockTest()
    await using _ = test
    const { channel } = await test.socket().subscribeAndJoin('clock:1')
    const ref = channel.push('countdown')
    await channel.settle() // handleIn has armed its timer at virtual time 0
    scheduler.advance(4999)
    const early = channel.assertReply(ref, 'ok', undefined, { timeout: 20 })
    await assert.rejects(early, /did not arrive/)
    scheduler.advance(1)
    assert.deepEqual(await channel.assertReply(ref, 'ok'), { done: true })
  })
})

describe('testing: socket lifecycle', () => {
  it('a crash in handleIn gives phx_error and terminates only that channel', async () => {
    const { test } = clockTest()
    await using _ = test
    const s = test.socket()
    const { channel } = await s.subscribeAndJoin('clock:1')
    const other = (await s.subscribeAndJoin('clock:2')).channel
    channel.push('crash')
    await channel.assertPush('phx_error', { reason: 'channel_crash' })
    assert.equal(s.isClosed, false)
    await other.assertReply(other.leave(), 'ok')
  })

  it('close() ends the connection and runs terminate with "closed"', async () => {
    const { test } = clockTest()
    await using _ = test
    const s = test.socket()
    await s.subscribeAndJoin('clock:close')
    terminated.length = 0
    await s.close()
    assert.deepEqual(await s.closed, { code: 1000, reason: 'closed by the test', by: 'client' })
    await waitUntil(() => terminated.length > 0)
    assert.deepEqual(terminated, ['closed'])
    await assert.rejects(
      s.join('clock:2'),
      /cannot send phx_join: the socket was closed by the test/,
    )
  })

  it('a disconnect broadcast to the socket id closes the socket', async () => {
    const { test } = clockTest()
    await using _ = test
    const s = await test.connect({ user: 'ann' })
    const bob = await test.connect({ user: 'bob' })
    assert.equal(s.id, 'user:ann')
    await test.endpoint.broadcast('user:ann', 'disconnect', {})
    assert.deepEqual(await s.assertClosed(), { code: 1001, reason: 'disconnected', by: 'server' })
    assert.equal(bob.isClosed, false)
  })

  it('drain closes test sockets like real ones, and the endpoint refuses new ones', async () => {
    const { test } = clockTest()
    await using _ = test
    const s = test.socket()
    const { channel } = await s.subscribeAndJoin('clock:1')
    await test.endpoint.drain()
    assert.equal((await s.assertClosed()).code, 1012)
    assert.throws(
      () => channel.push('countdown'),
      /cannot send countdown: the socket was closed by the server \(1012 draining\)/,
    )
    assert.throws(() => test.socket(), /draining or closed/)
  })
})

/** Polls a condition a bounded number of event-loop turns. */
async function waitUntil(done: () => boolean): Promise<void> {
  for (let i = 0; i < 100 && !done(); i++) await new Promise((r) => setImmediate(r))
  assert.ok(done(), 'condition not reached')
}
