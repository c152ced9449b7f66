// @plume/server/testing: sockets built with assigns or through connect, joins through the
// socket's real routes (refusals, unmatched topics, class routes), pushes and their replies.
import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import { error, ok, reply, silentLogger, stop, type ChannelHandler } from '@plume/server'
import { channelTest, connect, socket } from '@plume/server/testing'

type Assigns = { user: string }

const Room: ChannelHandler<Assigns> = {
  join(topic, params, ch) {
    if (topic === 'room:secret') return error({ reason: 'unauthorized' })
    return ok({ welcome: ch.assigns.user, params })
  },
  handleIn(event, payload, ch) {
    if (event === 'ping') return reply('ok', { pong: payload, user: ch.assigns.user })
    if (event === 'bye') return stop('normal', reply('ok', { bye: true }))
    return reply('error', { unknown: event })
  },
}

class Counter implements ChannelHandler {
  n = 0
  join() {
    return ok({ n: this.n })
  }
  handleIn() {
    return reply('ok', { n: ++this.n })
  }
}

const UserSocket = {
  connect: (params: Record<string, string>) =>
    params['token'] === undefined ? false : { user: params['token'] },
  id: (assigns: Assigns) => `user_socket:${assigns.user}`,
  channels: [
    ['room:*', Room],
    ['counter:*', Counter],
  ] as const,
}

describe('testing: joins and replies', () => {
  it('socket() builds a socket with assigns and id, without running connect', async () => {
    const s = socket(UserSocket, 'user_socket:ann', { user: 'ann' }, { logger: silentLogger })
    assert.equal(s.id, 'user_socket:ann')
    assert.deepEqual(s.assigns, { user: 'ann' })
    const { reply: welcome, channel } = await s.subscribeAndJoin('room:lobby', { a: 1 })
    assert.deepEqual(welcome, { welcome: 'ann', params: { a: 1 } })
    assert.equal(channel.topic, 'room:lobby')
    await s.close()
    assert.equal(s.isClosed, true)
  })

  it('connect() runs the real connect and id callbacks', async () => {
    await using test = channelTest(UserSocket, { logger: silentLogger })
    const s = await test.connect({ token: 'bob' })
    assert.deepEqual(s.assigns, { user: 'bob' })
    assert.equal(s.id, 'user_socket:bob')
    assert.deepEqual(await test.refuteConnect({}), { status: 403, body: '' })
    await assert.rejects(test.connect({}), {
      name: 'AssertionError',
      message: 'expected connect to succeed, but it was refused: 403',
    })
    await assert.rejects(test.refuteConnect({ token: 'x' }), /but it was accepted with assigns/)
  })

  it('the standalone connect() refuses like the handshake and closes its endpoint', async () => {
    await assert.rejects(connect(UserSocket, {}), /refused: 403/)
    const s = await connect(UserSocket, { token: 'cy' })
    assert.deepEqual(s.assigns, { user: 'cy' })
    await s.close()
  })

  it('push + assertReply returns the reply response', async () => {
    await using test = channelTest(UserSocket, { logger: silentLogger })
    const { channel } = await test.socket(null, { user: 'ann' }).subscribeAndJoin('room:lobby')
    const ref = channel.push('ping', { x: 1 })
    assert.deepEqual(await channel.assertReply(ref, 'ok'), { pong: { x: 1 }, user: 'ann' })
    const bad = channel.push('nope', {})
    assert.deepEqual(await channel.assertReply(bad, 'error', { unknown: 'nope' }), {
      unknown: 'nope',
    })
  })

  it('join() reports a refusal; subscribeAndJoin throws with the reply', async () => {
    await using test = channelTest(UserSocket, { logger: silentLogger })
    const s = test.socket(null, { user: 'ann' })
    assert.deepEqual(await s.join('room:secret'), {
      status: 'error',
      reply: { reason: 'unauthorized' },
    })
    await assert.rejects(s.subscribeAndJoin('room:secret'), {
      name: 'AssertionError',
      message: 'expected to join room:secret, but the join was refused: {"reason":"unauthorized"}',
    })
    assert.deepEqual(await s.join('nowhere'), {
      status: 'error',
      reply: { reason: 'unmatched topic' },
    })
  })

  it('a class route gets one instance per join, and the module form checks the route', async () => {
    await using test = channelTest(UserSocket, { logger: silentLogger })
    const s = test.socket(null, { user: 'ann' })
    const { channel } = await s.subscribeAndJoin(Counter, 'counter:1')
    assert.deepEqual(await channel.assertReply(channel.push('inc'), 'ok'), { n: 1 })
    assert.deepEqual(await channel.assertReply(channel.push('inc'), 'ok'), { n: 2 })
    const other = await s.subscribeAndJoin(Counter, 'counter:2')
    assert.deepEqual(await other.channel.assertReply(other.channel.push('inc'), 'ok'), { n: 1 })
    await assert.rejects(s.subscribeAndJoin(Room, 'counter:3'), {
      name: 'AssertionError',
      message: 'expected counter:3 to route to the given channel, but it routes to another one',
    })
  })

  it('leave replies ok and closes the channel; a stop reply arrives before phx_close', async () => {
    await using test = channelTest(UserSocket, { logger: silentLogger })
    const s = test.socket(null, { user: 'ann' })
    const { channel } = await s.subscribeAndJoin('room:a')
    await channel.assertReply(channel.leave(), 'ok')
    await channel.assertPush('phx_close', {})
    const again = (await s.subscribeAndJoin('room:b')).channel
    await again.assertReply(again.push('bye'), 'ok', { bye: true })
    await again.assertPush('phx_close')
  })
})
