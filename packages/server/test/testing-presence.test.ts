// @plume/server/testing presence helpers: a Presence on an in-memory bus, presences tracked
// from real channels, presence_state/presence_diff assertions by key, and a second node on
// the same bus and virtual clock so down, heal and restarts are tested without waiting.
import assert from 'node:assert/strict'
import { afterEach, beforeEach, describe, it } from 'node:test'
import { AssertionError } from 'node:assert'
import {
  Endpoint,
  noReply,
  ok,
  Presence,
  silentLogger,
  type ChannelHandler,
  type DiffPayload,
  type SocketOptions,
} from '@plume/server'
import { Tracker } from '@plume/tracker'
import {
  assertPresenceDiff,
  assertPresenceState,
  channelTest,
  PresenceCluster,
  satisfying,
  type ChannelTest,
  type PresenceNode,
} from '@plume/server/testing'

type Assigns = { user: string }
const T = 'room:lobby'

/** The guide's room channel: presence_state after join, then track the user. */
function userSocket(presence: Presence): SocketOptions<Assigns> {
  const room: ChannelHandler<Assigns> = {
    join(_topic, _params, ch) {
      ch.send('after_join')
      return ok()
    },
    async handleInfo(_message, ch) {
      ch.push('presence_state', await presence.list(ch))
      presence.track(ch, ch.assigns.user, { online_at: 1 })
      return noReply()
    },
  }
  return { channels: [['room:*', room]] }
}

describe('testing: presence', () => {
  let cluster: PresenceCluster
  beforeEach(() => {
    cluster = new PresenceCluster({ broadcastPeriod: 100, downPeriod: 1000, permdownPeriod: 5000 })
  })
  afterEach(async () => {
    mounted.clear()
    await cluster.close()
  })

  const mounted = new Map<PresenceNode, ChannelTest<Assigns>>()
  async function join(node: PresenceNode, user: string) {
    let test = mounted.get(node)
    if (test === undefined) mounted.set(node, (test = node.channelTest(userSocket(node.presence))))
    return (await test.socket(null, { user }).subscribeAndJoin(T)).channel
  }

  it('one node: state on join, diffs for joins and leaves', async () => {
    const a = await cluster.node('a')
    const alice = await join(a, 'alice')
    await assertPresenceState(alice, [])
    await assertPresenceDiff(alice, { joins: ['alice'] })
    const bob = await join(a, 'bob')
    await assertPresenceState(bob, { alice: 1 })
    await assertPresenceDiff(alice, { joins: { bob: 1 } })
    await bob.assertReply(bob.leave(), 'ok')
    const diff = await assertPresenceDiff(alice, { leaves: ['bob'] })
    assert.deepEqual(Object.keys(diff.leaves['bob']?.metas[0] ?? {}).sort(), [
      'online_at',
      'phx_ref',
    ])
  })

  it('a presence assertion failure names the keys it expected and what came', async () => {
    const a = await cluster.node('a')
    const alice = await join(a, 'alice')
    await assertPresenceState(alice, [])
    const failed = await assertPresenceDiff(alice, { joins: ['zed'] }, { timeout: 30 }).catch(
      (e: unknown) => e,
    )
    assert.ok(failed instanceof AssertionError)
    assert.match(
      failed.message,
      /push "presence_diff" on room:lobby with joins \["zed"\] and leaves \[\]/,
    )
    assert.match(failed.message, /push "presence_diff" on room:lobby: \{"joins":\{"alice"/)
  })

  it('track() puts a presence on a node from a real channel; closing it leaves', async () => {
    const a = await cluster.node('a')
    const alice = await join(a, 'alice')
    await assertPresenceDiff(alice, { joins: ['alice'] })
    const carol = await a.track(T, 'carol', { device: 'phone' })
    const diff = await assertPresenceDiff(alice, { joins: ['carol'] })
    assert.equal(diff.joins['carol']?.metas[0]?.['device'], 'phone')
    await carol.close()
    await assertPresenceDiff(alice, { leaves: ['carol'] })
  })

  it('a second node: remote joins arrive as diffs once replicated', async () => {
    const a = await cluster.node('a')
    const b = await cluster.node('b')
    const alice = await join(a, 'alice')
    await assertPresenceDiff(alice, { joins: ['alice'] })
    await b.track(T, 'bob')
    const took = await cluster.until('a lists bob', async () => 'bob' in (await a.presence.list(T)))
    assert.ok(took <= 1000, `replicated after ${took} virtual ms`)
    await assertPresenceDiff(alice, { joins: ['bob'] })
  })

  it('a partition drops remote presences after the down period, heal brings them back', async () => {
    const a = await cluster.node('a')
    const b = await cluster.node('b')
    const alice = await join(a, 'alice')
    await b.track(T, 'bob')
    await cluster.until('a lists bob', async () => 'bob' in (await a.presence.list(T)))
    await assertPresenceDiff(alice, { joins: ['alice'] })
    await assertPresenceDiff(alice, { joins: ['bob'] })
    cluster.partition(['a'], ['b'])
    await cluster.advance(800)
    await alice.refutePush('presence_diff')
    const took = await cluster.until(
      'bob down on a',
      async () => !('bob' in (await a.presence.list(T))),
    )
    assert.ok(took + 800 >= 1000 - 2 * cluster.period, `down after ${took + 800} virtual ms`)
    await assertPresenceDiff(alice, { leaves: ['bob'] })
    cluster.heal()
    await cluster.until('bob back on a', async () => 'bob' in (await a.presence.list(T)))
    await assertPresenceDiff(alice, { joins: ['bob'] })
  })

  it('a crashed node is dropped after the down period; a graceful stop at once', async () => {
    const a = await cluster.node('a')
    const b = await cluster.node('b')
    const c = await cluster.node('c')
    const alice = await join(a, 'alice')
    await b.track(T, 'bob')
    await c.track(T, 'carol')
    await cluster.until(
      'a lists everyone',
      async () => Object.keys(await a.presence.list(T)).length === 3,
    )
    await c.stop()
    const graceful = await cluster.until(
      'carol gone',
      async () => !('carol' in (await a.presence.list(T))),
    )
    assert.ok(graceful < 1000, `graceful stop took ${graceful} virtual ms`)
    await assertPresenceDiff(alice, { leaves: ['carol'] })
    await b.crash()
    const crashed = await cluster.until(
      'bob gone',
      async () => !('bob' in (await a.presence.list(T))),
    )
    assert.ok(crashed >= 1000 - 2 * cluster.period, `crash noticed after ${crashed} virtual ms`)
    assert.deepEqual(Object.keys(await a.presence.list(T)), ['alice'])
    await assertPresenceDiff(alice, { leaves: ['bob'] })
  })

  it('a node restarted under the same name replaces its old presences at once', async () => {
    const a = await cluster.node('a')
    const alice = await join(a, 'alice')
    await (await cluster.node('b')).track(T, 'bob')
    await cluster.until('a lists bob', async () => 'bob' in (await a.presence.list(T)))
    const [oldRef] = ((await a.presence.list(T))['bob']?.metas ?? []).map((m) => m['phx_ref'])
    await cluster.nodes.get('b')?.crash()
    const restarted = await cluster.node('b')
    await restarted.track(T, 'bob')
    const took = await cluster.until('the new bob replaces the old one on a', async () => {
      const metas = (await a.presence.list(T))['bob']?.metas ?? []
      return metas.length === 1 && metas[0]?.['phx_ref'] !== oldRef
    })
    assert.ok(took < 1000, `replaced after ${took} virtual ms, not by the down period`)
    const oldLeft = satisfying('bob leaving with the old phx_ref', (d: DiffPayload) =>
      (d.leaves['bob']?.metas ?? []).some((m) => m['phx_ref'] === oldRef),
    )
    await alice.assertPush('presence_diff', oldLeft)
  })

  it('an app-built node joins the cluster through cluster.pubsub and the shared clock', async () => {
    const a = await cluster.node('a')
    const pubsub = cluster.pubsub('app')
    const tracker = new Tracker({ pubsub, scheduler: cluster.scheduler, broadcastPeriod: 100 })
    const endpoint = new Endpoint({ pubsub, logger: silentLogger })
    const presence = new Presence({ tracker, sink: endpoint })
    await presence.start()
    try {
      const test = channelTest(userSocket(presence), { endpoint })
      const { channel } = await test.socket(null, { user: 'dan' }).subscribeAndJoin(T)
      await assertPresenceState(channel, [])
      await a.track(T, 'eve')
      await cluster.until('the app node lists eve', async () => 'eve' in (await presence.list(T)))
      await assertPresenceDiff(channel, { joins: ['eve'] })
      await test.close()
    } finally {
      await presence.stop()
      await endpoint.close()
      await pubsub.close()
    }
  })
})
