// Late messages of a dead incarnation must not replace the live
// incarnation of the same node. Found by the simulation (seed 93611, 400 steps): an
// incarnation forgotten for silence sent one late heartbeat after its successor was up,
// which permdowned and retired the successor, hiding its presences for permdownPeriod.
import assert from 'node:assert/strict'
import { afterEach, describe, it } from 'node:test'
import { encodeMessage, TrackerState } from '@plume/crdt'
import type { ReplicationMessage } from '@plume/crdt'
import { PubSub, silentLogger } from '@plume/pubsub'
import { Cluster, keysOf, PERIOD } from './support/cluster.js'

const TOPIC = 'phx_presence:presence_shard0'

let cluster: Cluster | undefined
let peer: PubSub | undefined
afterEach(async () => {
  await peer?.close()
  await cluster?.teardown()
  peer = cluster = undefined
})

/** A hand-driven peer named `b` that speaks for any incarnation `b#<vsn>`. */
async function fakePeer(c: Cluster): Promise<(m: ReplicationMessage) => Promise<void>> {
  const p = (peer = new PubSub({ adapter: c.bus.adapter('b'), logger: silentLogger }))
  await p.start()
  return async (m) => {
    await p.broadcast(TOPIC, encodeMessage(m))
    await c.settle()
  }
}

const emptyHb = (from: string, clock: number): ReplicationMessage => ({
  t: 'hb',
  from,
  delta: null,
  clock: new Map([[from, clock]]),
})

/** Node `a`, and a fake `b#2` that tracked bob and sent its first heartbeat. */
async function bobOnB2() {
  const c = (cluster = new Cluster({ maxSilentPeriods: 0 }))
  const a = await c.add('a')
  const send = await fakePeer(c)
  const b2 = new TrackerState('b#2')
  b2.join('o', 'room', 'bob', { phx_ref: 'r1' })
  await send({ t: 'hb', from: 'b#2', delta: b2.resetDelta(), clock: b2.gossipClock() })
  return { c, a, send, b2 }
}

describe('late messages of a dead incarnation', () => {
  it('a late heartbeat of an incarnation forgotten for silence does not replace its successor', async () => {
    const c = (cluster = new Cluster({ maxSilentPeriods: 0 }))
    const a = await c.add('a')
    const send = await fakePeer(c)
    await send(emptyHb('b#1', 0))
    assert.deepEqual(
      a.tracker.replicas().map((r) => r.ref),
      ['b#1'],
    )
    // b#1 dies silently; past permdownPeriod it is forgotten. Then b restarts as b#2.
    await c.advance(1500 + 2 * PERIOD)
    assert.deepEqual(a.tracker.replicas(), [])
    const b2 = new TrackerState('b#2')
    b2.join('o', 'room', 'bob', { phx_ref: 'r1' })
    await send({ t: 'hb', from: 'b#2', delta: b2.resetDelta(), clock: b2.gossipClock() })
    assert.deepEqual(keysOf(a.tracker.list('room')), ['bob'])
    // A heartbeat b#1 sent before dying arrives now (a slow or reordering network).
    await send(emptyHb('b#1', 0))
    assert.deepEqual(keysOf(a.tracker.list('room')), ['bob'])
    // b#2 keeps heartbeating and stays the incarnation of b.
    for (let i = 0; i < 5; i++) {
      await send(emptyHb('b#2', 1))
      await c.advance(PERIOD)
    }
    assert.deepEqual(
      a.tracker.replicas().map((r) => [r.ref, r.status]),
      [['b#2', 'up']],
    )
    assert.deepEqual(keysOf(a.tracker.list('room')), ['bob'])
  })

  it('a late heartbeat of a never-known older incarnation hides its successor for downPeriod at most', async () => {
    // Seed 95541: b#1 lived briefly and was never heard here; b#2 replaced it at once.
    const { c, a, send, b2 } = await bobOnB2()
    assert.deepEqual(keysOf(a.tracker.list('room')), ['bob'])
    // Vsns are not ordered, so this looks like a restart of b#2 into b#1: b#2 is replaced.
    await send(emptyHb('b#1', 0))
    assert.deepEqual(
      a.tracker.replicas().map((r) => r.ref),
      ['b#1'],
    )
    // b#2 keeps heartbeating. Once b#1 is down (downPeriod 500), b#2 takes over again
    // instead of being ignored for the whole permdownPeriod (1500).
    for (let i = 0; i < 8; i++) {
      await send(emptyHb('b#2', 1))
      await c.advance(PERIOD)
    }
    assert.deepEqual(
      a.tracker.replicas().map((r) => [r.ref, r.status]),
      [['b#2', 'up']],
    )
    b2.join('o', 'room', 'carol', { phx_ref: 'r2' })
    await send({ t: 'tack', from: 'b#2', ref: '1', payload: b2.extract(b2.context) })
    assert.deepEqual(keysOf(a.tracker.list('room')), ['bob', 'carol'])
  })

  it('a replaced incarnation is accepted at once when the late one that replaced it says goodbye', async () => {
    // Seed 76 (and 806): after a netsplit healed, b#1's late heartbeat and then its late
    // graceful permdown arrived. b#1 left the table, but b#2 stayed ignored for the whole
    // permdownPeriod, so its presences were missing long after the heal.
    const { a, send, b2 } = await bobOnB2()
    await send(emptyHb('b#1', 0))
    await send({ t: 'perm', from: 'b#1' })
    assert.deepEqual(a.tracker.replicas(), [])
    await send(emptyHb('b#2', 1))
    assert.deepEqual(
      a.tracker.replicas().map((r) => [r.ref, r.status]),
      [['b#2', 'up']],
    )
    await send({ t: 'tack', from: 'b#2', ref: '1', payload: b2.extract(b2.context) })
    assert.deepEqual(keysOf(a.tracker.list('room')), ['bob'])
  })

  it('a late heartbeat of a replaced incarnation is ignored while its successor is up', async () => {
    const c = (cluster = new Cluster({ maxSilentPeriods: 0 }))
    const a = await c.add('a')
    const send = await fakePeer(c)
    await send(emptyHb('b#1', 0))
    const b2 = new TrackerState('b#2')
    b2.join('o', 'room', 'bob', { phx_ref: 'r1' })
    await send({ t: 'hb', from: 'b#2', delta: b2.resetDelta(), clock: b2.gossipClock() })
    await send(emptyHb('b#1', 0))
    assert.deepEqual(
      a.tracker.replicas().map((r) => [r.ref, r.status]),
      [['b#2', 'up']],
    )
    assert.deepEqual(keysOf(a.tracker.list('room')), ['bob'])
  })

  it('a graceful permdown overtaking the first heartbeat still retires the incarnation', async () => {
    const c = (cluster = new Cluster({ maxSilentPeriods: 0 }))
    const a = await c.add('a')
    const send = await fakePeer(c)
    const b1 = new TrackerState('b#1')
    b1.join('o', 'room', 'bob', { phx_ref: 'r1' })
    await send({ t: 'perm', from: 'b#1' })
    await send({ t: 'hb', from: 'b#1', delta: b1.resetDelta(), clock: b1.gossipClock() })
    assert.deepEqual(a.tracker.replicas(), [])
    assert.deepEqual(a.tracker.list('room'), [])
  })

  it('an incarnation forgotten for silence is accepted again when nothing replaced it', async () => {
    const c = (cluster = new Cluster({ maxSilentPeriods: 0 }))
    const a = await c.add('a')
    const send = await fakePeer(c)
    await send(emptyHb('b#1', 0))
    await c.advance(1500 + 2 * PERIOD)
    assert.deepEqual(a.tracker.replicas(), [])
    // A netsplit longer than permdownPeriod heals: b#1 is alive and comes back.
    await send(emptyHb('b#1', 0))
    assert.deepEqual(
      a.tracker.replicas().map((r) => [r.ref, r.status]),
      [['b#1', 'up']],
    )
  })
})
