// Port of phoenix_pubsub shard_replication_test.exs, one scenario per test, over
// a MemoryBus with virtual time: heartbeats, transfers, restarts, netsplits, crashes,
// permdown, graceful permdown and the rolling-update transfer loop of PR #136.
import assert from 'node:assert/strict'
import { afterEach, describe, it } from 'node:test'
import { replicaName } from '@plume/crdt'
import { Cluster, events, keysOf, PERIOD } from './support/cluster.js'

let cluster: Cluster | undefined
afterEach(async () => {
  await cluster?.teardown()
  cluster = undefined
})

async function pair(): Promise<Cluster> {
  const c = new Cluster()
  await c.add('a')
  await c.add('b')
  await c.advance(3 * PERIOD)
  return c
}

describe('shard replication', () => {
  it('heartbeats periodically on its replication topic', async () => {
    const c = (cluster = new Cluster({ maxSilentPeriods: 2 }))
    await c.add('a')
    await c.add('b')
    await c.advance(10 * PERIOD)
    // maxSilentPeriods 2: an empty heartbeat on the first tick, then every third tick.
    const atB = (): ReturnType<Cluster['sent']> => c.sent('hb', 'a').filter((s) => s.at === 'b')
    assert.equal(atB().length, 4)
    c.tracker('a').track('o', 'room', 'alice', {})
    const before = atB().length
    await c.advance(PERIOD)
    const hb = atB().slice(before)
    assert.equal(hb.length, 1)
    assert.ok(hb[0]?.msg.t === 'hb' && hb[0].msg.delta !== null, 'data is sent on the next tick')
  })

  it('gossip from an unseen node: replica up, transfer_req, transfer_ack, presences listed', async () => {
    const c = (cluster = new Cluster())
    const a = await c.add('a')
    a.tracker.track('o1', 'room', 'alice', {})
    await c.advance(3 * PERIOD)
    const b = await c.add('b')
    assert.deepEqual(b.tracker.list('room'), [])
    await c.advance(3 * PERIOD)
    assert.ok(c.sent('treq', 'b').some((s) => s.at === 'a'))
    assert.ok(c.sent('tack', 'a').some((s) => s.at === 'b'))
    assert.deepEqual(keysOf(b.tracker.list('room')), ['alice'])
    assert.deepEqual(events(b.diffs), ['+alice'])
    assert.deepEqual(
      b.tracker.replicas().map((r) => [r.name, r.status]),
      [['a', 'up']],
    )
  })

  it('with several advanced peers, the transfer request goes only to the dominating node', async () => {
    const c = (cluster = new Cluster())
    for (const n of ['a', 'b', 'c']) (await c.add(n)).tracker.track(`o-${n}`, 'room', n, {})
    await c.advance(4 * PERIOD)
    // From now on b and c hear nothing from a, so a's clock dominates theirs.
    c.bus.drop = (d) => d.from === 'a' && d.to !== 'd'
    c.tracker('a').track('o-a2', 'room', 'a2', {})
    await c.advance(2 * PERIOD)
    await c.add('d')
    await c.advance(4 * PERIOD)
    const targets = c.sent('treq', 'd').map((s) => s.at)
    assert.ok(targets.length > 0)
    assert.deepEqual([...new Set(targets)], ['a'])
    assert.deepEqual(keysOf(c.tracker('d').list('room')), ['a', 'a2', 'b', 'c'])
  })

  it('old presences of a node are permdowned on all peers when it comes back with a new vsn', async () => {
    const c = (cluster = new Cluster())
    await c.add('a')
    await c.add('b')
    await c.add('c')
    c.tracker('b').track('ob', 'room', 'bob', {})
    await c.advance(3 * PERIOD)
    assert.deepEqual(keysOf(c.tracker('a').list('room')), ['bob'])
    const oldRef = c.tracker('b').replicaRef()
    await c.crash('b')
    const b2 = await c.add('b')
    assert.notEqual(b2.tracker.replicaRef(), oldRef)
    b2.tracker.track('ob2', 'room', 'bob2', {})
    await c.advance(3 * PERIOD)
    for (const n of ['a', 'c']) {
      assert.deepEqual(keysOf(c.tracker(n).list('room')), ['bob2'], n)
      assert.deepEqual(
        keysOf(c.tracker(n).dirtyList('room')),
        ['bob2'],
        `${n} deleted the old ones`,
      )
      assert.deepEqual(events(c.node(n).diffs), ['+bob', '-bob', '+bob2'], n)
      assert.deepEqual(
        c
          .tracker(n)
          .replicas()
          .filter((r) => r.name === 'b')
          .map((r) => r.ref),
        [b2.tracker.replicaRef()],
      )
    }
  })

  it('a netsplit produces leaves, then joins on heal with the same vsn, and syncs the split-time changes', async () => {
    const c = (cluster = await pair())
    const [a, b] = [c.node('a'), c.node('b')]
    b.tracker.track('ob', 'room', 'bob', {})
    await c.advance(2 * PERIOD)
    c.bus.partition(['a'], ['b'])
    b.tracker.track('ob', 'room', 'bea', {})
    await c.advance(600)
    assert.deepEqual(a.tracker.list('room'), [])
    assert.deepEqual(keysOf(a.tracker.dirtyList('room')), ['bob'])
    assert.equal(a.tracker.count('room'), 0)
    assert.deepEqual(events(a.diffs), ['+bob', '-bob'])
    const vsn = b.tracker.replicaRef()
    c.bus.heal()
    await c.advance(4 * PERIOD)
    assert.equal(b.tracker.replicaRef(), vsn)
    assert.deepEqual(keysOf(a.tracker.list('room')), ['bea', 'bob'])
    assert.deepEqual(events(a.diffs), ['+bob', '-bob', '+bob', '+bea'])
  })

  it('a crash produces leaves after downPeriod; silence past permdownPeriod removes the replica', async () => {
    const c = (cluster = await pair())
    const a = c.node('a')
    c.tracker('b').track('ob', 'room', 'bob', {})
    await c.advance(2 * PERIOD)
    await c.crash('b')
    await c.advance(400)
    assert.deepEqual(keysOf(a.tracker.list('room')), ['bob'], 'still up inside downPeriod')
    await c.advance(200)
    assert.deepEqual(a.tracker.list('room'), [])
    assert.deepEqual(keysOf(a.tracker.dirtyList('room')), ['bob'], 'hidden but kept until permdown')
    assert.deepEqual(
      a.tracker.replicas().map((r) => r.status),
      ['down'],
    )
    await c.advance(1000)
    assert.deepEqual(a.tracker.dirtyList('room'), [])
    assert.deepEqual(a.tracker.replicas(), [])
    assert.deepEqual(events(a.diffs), ['+bob', '-bob'])
  })

  it('local and remote joins and leaves are reported and listed', async () => {
    const c = (cluster = await pair())
    const [a, b] = [c.node('a'), c.node('b')]
    a.tracker.track('oa', 'room', 'alice', {})
    b.tracker.track('ob', 'room', 'bob', {})
    await c.advance(2 * PERIOD)
    assert.deepEqual(keysOf(a.tracker.list('room')), ['alice', 'bob'])
    assert.deepEqual(keysOf(b.tracker.list('room')), ['alice', 'bob'])
    b.tracker.untrackAll('ob')
    await c.advance(2 * PERIOD)
    assert.deepEqual(events(a.diffs), ['+alice', '+bob', '-bob'])
    assert.deepEqual(events(b.diffs), ['+bob', '+alice', '-bob'])
  })

  it('a remote update arrives as one diff with the leave and the join (phx_ref_prev kept)', async () => {
    const c = (cluster = await pair())
    const [a, b] = [c.node('a'), c.node('b')]
    const r1 = b.tracker.track('ob', 'room', 'bob', { s: 1 })
    await c.advance(2 * PERIOD)
    const r2 = b.tracker.update('ob', 'room', 'bob', (m) => ({ ...m, s: 2 }))
    await c.advance(2 * PERIOD)
    assert.deepEqual(a.diffs.at(-1), [
      'room',
      {
        joins: [['bob', { s: 2, phx_ref: r2, phx_ref_prev: r1 }]],
        leaves: [['bob', { s: 1, phx_ref: r1 }]],
      },
    ])
    assert.deepEqual(a.tracker.list('room'), [['bob', { s: 2, phx_ref: r2, phx_ref_prev: r1 }]])
  })

  it('a graceful permdown on a peer emits leaves and forgets it at once', async () => {
    const c = (cluster = await pair())
    const a = c.node('a')
    c.tracker('b').track('ob', 'room', 'bob', {})
    await c.advance(2 * PERIOD)
    await c.tracker('b').gracefulPermdown()
    await c.settle()
    assert.deepEqual(a.tracker.list('room'), [])
    assert.deepEqual(a.tracker.dirtyList('room'), [])
    assert.deepEqual(a.tracker.replicas(), [])
    assert.deepEqual(events(a.diffs), ['+bob', '-bob'])
    await c.advance(5 * PERIOD)
    assert.deepEqual(a.tracker.replicas(), [], 'late traffic does not resurrect it')
  })

  it('rolling update: a new node requests a transfer exactly once while a dead peer is in permdown grace', async () => {
    const c = (cluster = new Cluster({ permdownPeriod: 20_000 }))
    await c.add('a')
    await c.add('b')
    await c.add('c')
    c.tracker('a').track('oa', 'room', 'alice', {})
    c.tracker('c').track('oc', 'room', 'carol', {})
    await c.advance(3 * PERIOD)
    await c.crash('c')
    await c.advance(700)
    assert.deepEqual(
      c
        .tracker('a')
        .replicas()
        .map((r) => [r.name, r.status])
        .sort(),
      [
        ['b', 'up'],
        ['c', 'down'],
      ],
    )
    const d = await c.add('d')
    await c.advance(40 * PERIOD)
    assert.equal(c.sent('treq', 'd').length, 1)
    assert.deepEqual(keysOf(d.tracker.list('room')), ['alice'])
    assert.ok(!d.tracker.replicas().some((r) => replicaName(r.ref) === 'c'))
  })

  it('a peer that cannot hear a third node does not request transfers in a loop', async () => {
    const c = (cluster = new Cluster())
    c.bus.drop = (d) => (d.from === 'b' && d.to === 'c') || (d.from === 'c' && d.to === 'b')
    await c.add('a')
    await c.add('b')
    await c.add('c')
    c.tracker('c').track('oc', 'room', 'carol', {})
    c.tracker('a').track('oa', 'room', 'alice', {})
    await c.advance(40 * PERIOD)
    // a's clock names c, which b can never learn about; only a's own changes are worth asking.
    assert.ok(c.sent('treq', 'b').length <= 2, `b sent ${c.sent('treq', 'b').length} requests`)
    assert.deepEqual(keysOf(c.tracker('b').list('room')), ['alice'])
    assert.deepEqual(keysOf(c.tracker('a').list('room')), ['alice', 'carol'])
  })

  it('a malformed replication message is logged and ignored', async () => {
    const c = (cluster = new Cluster())
    const warnings: string[] = []
    const a = await c.add('a', {
      logger: { debug() {}, info() {}, error() {}, warn: (m: string) => warnings.push(m) },
    })
    const b = await c.add('b')
    for (const bad of [
      null,
      42,
      { t: 'hb' },
      { t: 'tack', from: 'b#1', ref: 'x', state: { mode: 'normal' } },
    ]) {
      await b.pubsub.broadcast('phx_presence:presence_shard0', bad)
    }
    await c.settle()
    assert.equal(warnings.length, 4)
    b.tracker.track('ob', 'room', 'bob', {})
    await c.advance(3 * PERIOD)
    assert.deepEqual(keysOf(a.tracker.list('room')), ['bob'])
  })
})
