// The seed's scenario on the lobby's own socket, in process through @plume/server/testing:
// per-user presence counts, closing sockets, a late joiner's full state, and, on a test
// channel on the same endpoint and Presence, update as one leave+join diff and a crashed
// channel's leave. The official client runs the same scenario in lobby.browser.test.ts.
import assert from 'node:assert/strict'
import { afterEach, beforeEach, describe, it } from 'node:test'
import { noReply, ok, reply, type ChannelHandler, type Presence } from '@plume/server'
import {
  assertPresenceDiff,
  assertPresenceState,
  channelTest,
  type ChannelTest,
} from '@plume/server/testing'
import { PubSub, silentLogger } from '@plume/pubsub'
import { ManualScheduler } from '@plume/tracker'
import { createLobby, type Lobby } from '../src/lobby.js'
import { PUBLIC_DIR } from './lobby-support.js'

const T = 'room:lobby'

/** A channel on the lobby's Presence that can update its meta and crash on demand. */
function testChannel(presence: Presence): ChannelHandler<{ user_id: string }> {
  return {
    join(_topic, _params, ch) {
      ch.send('after_join')
      return ok()
    },
    async handleInfo(_message, ch) {
      ch.push('presence_state', await presence.list(ch))
      presence.track(ch, ch.assigns.user_id, { status: 'online' })
      return noReply()
    },
    handleIn(event, payload, ch) {
      if (event !== 'update') throw new Error(`test channel crashes on ${event}`)
      return reply('ok', {
        ref: presence.update(ch, ch.assigns.user_id, payload as Record<string, unknown>),
      })
    },
  }
}

describe("the lobby's room channel", () => {
  let lobby: Lobby
  let room: ChannelTest
  let probe: ChannelTest

  beforeEach(async () => {
    const pubsub = new PubSub({ logger: silentLogger })
    const scheduler = new ManualScheduler()
    // One diff per change, so each step's diff can be asserted on its own; merged diffs are
    // covered by the browser and cluster suites, which check what clients end up showing.
    lobby = createLobby({
      pubsub,
      publicDir: PUBLIC_DIR,
      logger: silentLogger,
      scheduler,
      coalesce: false,
    })
    lobby.endpoint.socket('/test', {
      connect: (params) => ({ user_id: params['user_id'] ?? 'anon' }),
      channels: [['test:*', testChannel(lobby.presence)]],
    })
    await lobby.presence.start()
    room = channelTest(lobby.endpoint, '/socket')
    probe = channelTest(lobby.endpoint, '/test')
  })

  afterEach(async () => {
    await room.close()
    await probe.close()
    await lobby.close()
  })

  /** Connects `user` through the lobby's real connect and joins `topic`. */
  async function join(test: ChannelTest, user: string, topic: string) {
    const socket = await test.connect({ user_id: user })
    const { channel } = await socket.subscribeAndJoin(topic)
    return { socket, channel }
  }

  const count = async (key: string) => (await lobby.presence.list(T))[key]?.metas.length ?? 0

  it('refuses sockets without a usable name and topics other than room:lobby', async () => {
    assert.equal((await room.refuteConnect({})).status, 403)
    assert.equal((await room.refuteConnect({ user_id: 'x'.repeat(65) })).status, 403)
    const s = await room.connect({ user_id: 'Zed' })
    assert.deepEqual(await s.join('room:other'), {
      status: 'error',
      reply: { reason: 'unknown room' },
    })
  })

  /** A second lobby with `options`, its room socket, and a cleanup. */
  async function otherLobby(options: { anyRoom?: boolean; countOnly?: boolean }) {
    const other = createLobby({
      pubsub: new PubSub({ logger: silentLogger }),
      publicDir: PUBLIC_DIR,
      logger: silentLogger,
      scheduler: new ManualScheduler(),
      coalesce: false,
      ...options,
    })
    await other.presence.start()
    const rooms = channelTest(other.endpoint, '/socket')
    const close = async (): Promise<void> => {
      await rooms.close()
      await other.close()
    }
    return { other, rooms, close }
  }

  it('with anyRoom, keeps a presence list per room:* topic', async () => {
    const { other, rooms, close } = await otherLobby({ anyRoom: true })
    try {
      const ann = await join(rooms, 'Ann', 'room:a')
      await assertPresenceDiff(ann.channel, { joins: { Ann: 1 } })
      const bo = await join(rooms, 'Bo', 'room:b')
      await assertPresenceState(bo.channel, [])
      assert.deepEqual(Object.keys(await other.presence.list('room:b')), ['Bo'])
    } finally {
      await close()
    }
  })

  it('with countOnly, sends counts instead of lists and the list on request', async () => {
    const { rooms, close } = await otherLobby({ countOnly: true })
    try {
      const ann = await join(rooms, 'Ann', T)
      await ann.channel.assertPush('presence_count', { count: 0 })
      await ann.channel.assertPush('presence_count', { count: 1 })
      const bo = await join(rooms, 'Bo', T)
      await bo.channel.assertPush('presence_count', { count: 1 })
      await ann.channel.assertPush('presence_count', { count: 2 })
      await ann.channel.refutePush('presence_diff')
      await bo.channel.refutePush('presence_state')
      const ref = bo.channel.push('list', {})
      const list = (await bo.channel.assertReply(ref, 'ok')) as Record<string, unknown>
      assert.deepEqual(Object.keys(list).sort(), ['Ann', 'Bo'])
    } finally {
      await close()
    }
  })

  it('counts connections per user, drops them on close and removes a user entirely', async () => {
    const alice1 = await join(room, 'Alice', T)
    await assertPresenceState(alice1.channel, [])
    await assertPresenceDiff(alice1.channel, { joins: { Alice: 1 } })
    const alice2 = await join(room, 'Alice', T)
    await assertPresenceState(alice2.channel, { Alice: 1 })
    const bob = await join(room, 'Bob', T)
    await assertPresenceState(bob.channel, { Alice: 2 })
    for (const c of [alice1, alice2, bob]) await assertPresenceDiff(c.channel, { joins: ['Bob'] })

    const late = await join(room, 'Carol', T)
    await assertPresenceState(late.channel, { Alice: 2, Bob: 1 }) // everyone before the join
    await assertPresenceDiff(late.channel, { joins: ['Carol'] })

    await alice1.socket.close()
    await assertPresenceDiff(bob.channel, { leaves: { Alice: 1 } })
    assert.equal(await count('Alice'), 1, 'Alice down to one connection')

    await alice2.socket.close()
    await assertPresenceDiff(bob.channel, { leaves: { Alice: 1 } })
    await assertPresenceDiff(late.channel, { leaves: ['Alice'] })
    assert.equal(await count('Alice'), 0, 'Alice gone')
    assert.deepEqual(Object.keys(await lobby.presence.list(T)).sort(), ['Bob', 'Carol'])
  })

  it('delivers update as one diff with the leave, the join and phx_ref_prev', async () => {
    const dave = await join(probe, 'Dave', 'test:room')
    const watcher = await join(probe, 'Watcher', 'test:room')
    const state = await assertPresenceState(watcher.channel, { Dave: 1 })
    const oldRef = state['Dave']?.metas[0]?.['phx_ref']
    assert.equal(typeof oldRef, 'string')
    await assertPresenceDiff(watcher.channel, { joins: ['Watcher'] })

    const ref = dave.channel.push('update', { status: 'away' })
    const { ref: daveRef } = (await dave.channel.assertReply(ref, 'ok')) as { ref: string }
    const diff = await assertPresenceDiff(watcher.channel, { joins: ['Dave'], leaves: ['Dave'] })
    assert.deepEqual(diff.joins, {
      Dave: { metas: [{ status: 'away', phx_ref: daveRef, phx_ref_prev: oldRef }] },
    })
    assert.deepEqual(diff.leaves, { Dave: { metas: [{ status: 'online', phx_ref: oldRef }] } })
    await watcher.channel.refutePush('presence_diff') // one diff carries the update
  })

  it("removes a crashed channel's presence", async () => {
    const eve = await join(probe, 'Eve', 'test:room')
    const watcher = await join(probe, 'Watcher2', 'test:room')
    await assertPresenceState(watcher.channel, { Eve: 1 })
    eve.channel.push('crash')
    await eve.channel.assertPush('phx_error', { reason: 'channel_crash' })
    await assertPresenceDiff(watcher.channel, { leaves: ['Eve'] })
    assert.equal(eve.socket.isClosed, false, 'the connection outlives the crashed channel')
  })
})
