// @plume/server/testing: pushes and broadcasts run the production paths: ch.push buffered
// until the join reply, handleInfo, the fastlane to every subscriber, intercepts through
// handleOut, the test's own subscription (assertBroadcast) and broadcastFrom skipping it.
import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import {
  noReply,
  ok,
  reply,
  silentLogger,
  type ChannelHandler,
  type SocketOptions,
} from '@plume/server'
import { channelTest, like } from '@plume/server/testing'

type Assigns = { user: string }

const Chat: ChannelHandler<Assigns> = {
  intercept: ['secret'],
  join(_topic, _params, ch) {
    ch.push('before_reply', {}) // buffered until the join reply is out
    ch.send('after_join')
    return ok()
  },
  async handleIn(event, payload, ch) {
    if (event === 'shout') await ch.broadcast('shout', { from: ch.assigns.user, body: payload })
    if (event === 'whisper') await ch.broadcastFrom('whisper', { from: ch.assigns.user })
    if (event === 'secret') await ch.broadcast('secret', { for: 'bob' })
    return reply('ok')
  },
  handleInfo(message, ch) {
    if (message === 'after_join') ch.push('welcome', { user: ch.assigns.user })
    return noReply()
  },
  handleOut(event, payload, ch) {
    const p = payload as { for: string }
    if (p.for === ch.assigns.user) ch.push(event, { ...p, seenBy: ch.assigns.user })
    return noReply()
  },
}

const UserSocket: SocketOptions<Assigns> = { channels: [['chat:*', Chat]] }

async function twoUsers() {
  const test = channelTest(UserSocket, { logger: silentLogger })
  const ann = (await test.socket(null, { user: 'ann' }).subscribeAndJoin('chat:1')).channel
  const bob = (await test.socket(null, { user: 'bob' }).subscribeAndJoin('chat:1')).channel
  return { test, ann, bob }
}

describe('testing: pushes and broadcasts', () => {
  it('pushes made during join arrive after the join reply, then handleInfo pushes', async () => {
    await using test = channelTest(UserSocket, { logger: silentLogger })
    const s = test.socket(null, { user: 'ann' })
    await s.subscribeAndJoin('chat:1')
    const events = s.received.map((m) => m.event)
    assert.deepEqual(events.slice(0, 2), ['phx_reply', 'before_reply'])
    const { channel } = await s.subscribeAndJoin('chat:2')
    assert.deepEqual(await channel.assertPush('welcome'), { user: 'ann' })
  })

  it('a broadcast reaches every joined client and the test subscription', async () => {
    const { test, ann, bob } = await twoUsers()
    await using _ = test
    await ann.assertReply(ann.push('shout', { text: 'hi' }), 'ok')
    const expected = { from: 'ann', body: { text: 'hi' } }
    assert.deepEqual(await ann.assertPush('shout'), expected)
    assert.deepEqual(await bob.assertPush('shout', expected), expected)
    assert.deepEqual(await ann.assertBroadcast('shout', like({ from: 'ann' })), expected)
  })

  it("ch.broadcastFrom skips the sender's client only", async () => {
    const { test, ann, bob } = await twoUsers()
    await using _ = test
    await ann.assertReply(ann.push('whisper'), 'ok')
    await bob.assertPush('whisper', { from: 'ann' })
    await ann.refutePush('whisper')
  })

  it('intercepted events go through handleOut for each subscriber', async () => {
    const { test, ann, bob } = await twoUsers()
    await using _ = test
    await ann.assertReply(ann.push('secret'), 'ok')
    await bob.assertPush('secret', { for: 'bob', seenBy: 'bob' })
    await ann.refutePush('secret')
    await ann.assertBroadcast('secret', { for: 'bob' })
  })

  it("the test's broadcastFrom reaches the channels but not the test's own subscription", async () => {
    const { test, ann, bob } = await twoUsers()
    await using _ = test
    await ann.broadcastFrom('news', { n: 1 })
    await ann.assertPush('news', { n: 1 })
    await bob.assertPush('news', { n: 1 })
    await bob.assertBroadcast('news', { n: 1 }) // bob's subscription is another subscriber
    await ann.refuteBroadcast('news')
  })

  it('endpoint broadcasts take the fastlane: every client gets the same frame', async () => {
    const { test, ann, bob } = await twoUsers()
    await using _ = test
    await test.endpoint.broadcast('chat:1', 'announce', { v: 1 })
    assert.deepEqual(await ann.assertPush('announce'), { v: 1 })
    assert.deepEqual(await bob.assertPush('announce'), { v: 1 })
  })

  it('each assertion claims one message: the next one waits for the next arrival', async () => {
    const { test, ann } = await twoUsers()
    await using _ = test
    await test.endpoint.broadcast('chat:1', 'tick', { n: 1 })
    await test.endpoint.broadcast('chat:1', 'tick', { n: 2 })
    assert.deepEqual(await ann.assertPush('tick'), { n: 1 })
    assert.deepEqual(await ann.assertPush('tick'), { n: 2 })
    await ann.refutePush('tick')
  })

  it('assertBroadcast needs subscribeAndJoin', async () => {
    await using test = channelTest(UserSocket, { logger: silentLogger })
    const joined = await test.socket(null, { user: 'ann' }).join('chat:1')
    assert.equal(joined.status, 'ok')
    if (joined.status !== 'ok') return
    await assert.rejects(joined.channel.assertBroadcast('x'), /join with subscribeAndJoin/)
  })
})
