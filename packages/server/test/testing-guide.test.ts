// The complete example of docs/testing.md (embedded there region by region; the docs test
// checks that they agree): a room channel with token auth, a reply, a broadcast, an
// intercept and presence, and its tests, on one node and across two.
import assert from 'node:assert/strict'
import { afterEach, beforeEach, describe, it } from 'node:test'
import {
  error,
  noReply,
  ok,
  reply,
  type ChannelHandler,
  type DiffPayload,
  type Presence,
  type PresenceMap,
  type SocketOptions,
} from '@plume/server'
import {
  assertPresenceDiff,
  assertPresenceState,
  PresenceCluster,
  type ChannelEvents,
  type ChannelTest,
  type PresenceNode,
} from '@plume/server/testing'

// #region app
type Assigns = { userId: string; ignoring?: string[] }

/** What the room channel handles and sends; tests are type-checked against it. */
interface RoomEvents extends ChannelEvents {
  joinParams: { ignore?: string[] }
  joinReply: { userId: string }
  in: { ping: { n: number }; shout: { body: string } }
  replies: { ping: { n: number } }
  out: { shout: Shout; presence_state: PresenceMap; presence_diff: DiffPayload }
  broadcasts: { shout: Shout }
}
type Shout = { from: string; body: string }

/** Stands in for real token verification. */
const TOKENS: Record<string, string> = { 'token-ann': 'ann', 'token-bob': 'bob' }

function roomChannel(presence: Presence): ChannelHandler<Assigns> {
  return {
    intercept: ['shout'],
    join(topic, params, ch) {
      if (topic === 'room:admins' && ch.assigns.userId !== 'ann')
        return error({ reason: 'unauthorized' })
      ch.assign('ignoring', (params['ignore'] as string[] | undefined) ?? [])
      ch.send('after_join')
      return ok({ userId: ch.assigns.userId })
    },
    async handleIn(event, payload, ch) {
      if (event === 'ping') return reply('ok', payload as object)
      if (event === 'shout') {
        const { body } = payload as { body: string }
        await ch.broadcast('shout', { from: ch.assigns.userId, body })
        return noReply()
      }
      return reply('error', { reason: `unknown event ${event}` })
    },
    async handleInfo(message, ch) {
      if (message !== 'after_join') return
      ch.push('presence_state', await presence.list(ch))
      presence.track(ch, ch.assigns.userId, { online_at: ch.endpoint.scheduler.now() })
    },
    // Intercepted: each subscriber decides whether its client sees the shout.
    handleOut(event, payload, ch) {
      if (!ch.assigns.ignoring?.includes((payload as Shout).from)) ch.push(event, payload as Shout)
    },
  }
}

function userSocket(presence: Presence): SocketOptions<Assigns> {
  return {
    connect(params) {
      const userId = TOKENS[params['token'] ?? '']
      return userId === undefined ? false : { userId }
    },
    id: (assigns) => `user_socket:${assigns.userId}`,
    channels: [['room:*', roomChannel(presence)]],
  }
}
// #endregion app

// #region setup
describe('room channel', () => {
  let cluster: PresenceCluster
  let node: PresenceNode
  let test: ChannelTest<Assigns>

  beforeEach(async () => {
    cluster = new PresenceCluster({ downPeriod: 30_000 })
    node = await cluster.node('a')
    test = node.channelTest(userSocket(node.presence))
  })

  afterEach(async () => {
    await test.close()
    await cluster.close()
  })

  async function joinLobby(token: string, params: RoomEvents['joinParams'] = {}) {
    const socket = await test.connect({ token })
    return socket.subscribeAndJoin<RoomEvents>('room:lobby', params)
  }
  // #endregion setup

  // #region auth
  it('connects with a valid token only', async () => {
    assert.deepEqual(await test.refuteConnect({ token: 'forged' }), { status: 403, body: '' })
    const socket = await test.connect({ token: 'token-bob' })
    assert.deepEqual(socket.assigns, { userId: 'bob' })
    assert.equal(socket.id, 'user_socket:bob')
  })

  it('lets only ann join room:admins', async () => {
    const bob = await test.connect({ token: 'token-bob' })
    const refused = await bob.join('room:admins')
    assert.deepEqual(refused, { status: 'error', reply: { reason: 'unauthorized' } })
    const ann = test.socket('user_socket:ann', { userId: 'ann' }) // connect skipped
    assert.equal((await ann.join('room:admins')).status, 'ok')
  })
  // #endregion auth

  // #region messages
  it('replies to ping with status ok', async () => {
    const { reply, channel } = await joinLobby('token-ann')
    assert.deepEqual(reply, { userId: 'ann' })
    const ref = channel.push('ping', { n: 1 })
    assert.deepEqual(await channel.assertReply(ref, 'ok'), { n: 1 })
  })

  it('broadcasts shouts to room:lobby', async () => {
    const { channel } = await joinLobby('token-ann')
    channel.push('shout', { body: 'hi' })
    await channel.assertBroadcast('shout', { from: 'ann', body: 'hi' })
    await channel.assertPush('shout', { from: 'ann', body: 'hi' })
  })

  it('pushes broadcasts to the client', async () => {
    const { channel } = await joinLobby('token-ann')
    await channel.broadcastFrom('shout', { from: 'system', body: 'welcome' })
    await channel.assertPush('shout', { from: 'system', body: 'welcome' })
  })

  it('filters shouts from ignored users in handleOut', async () => {
    const ann = await joinLobby('token-ann')
    const bob = await joinLobby('token-bob', { ignore: ['ann'] })
    ann.channel.push('shout', { body: 'hello bob' })
    await ann.channel.assertPush('shout', { from: 'ann', body: 'hello bob' })
    await bob.channel.refutePush('shout')
  })
  // #endregion messages

  // #region presence
  it('sends presence_state on join and a diff when someone arrives or leaves', async () => {
    const ann = await joinLobby('token-ann')
    await assertPresenceState(ann.channel, [])
    await assertPresenceDiff(ann.channel, { joins: ['ann'] })
    const bob = await joinLobby('token-bob')
    await assertPresenceState(bob.channel, ['ann'])
    await assertPresenceDiff(ann.channel, { joins: ['bob'] })
    await bob.channel.assertReply(bob.channel.leave(), 'ok')
    await assertPresenceDiff(ann.channel, { leaves: ['bob'] })
  })

  it('sees users of another node, until that node goes down', async () => {
    const ann = await joinLobby('token-ann')
    const b = await cluster.node('b')
    await b.track('room:lobby', 'cy', { online_at: 0 })
    await cluster.until('a lists cy', async () => 'cy' in (await node.presence.list('room:lobby')))
    await assertPresenceDiff(ann.channel, { joins: ['cy'] })
    await b.crash() // no goodbye: node a notices after the down period, in virtual time
    const waited = await cluster.until(
      'cy is down',
      async () => !('cy' in (await node.presence.list('room:lobby'))),
    )
    assert.ok(waited >= 27_000, `down after ${waited} virtual ms`)
    await assertPresenceDiff(ann.channel, { leaves: ['cy'] })
  })
})
// #endregion presence
