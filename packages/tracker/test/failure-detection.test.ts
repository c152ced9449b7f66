// Failure detection with the defaults: heartbeats on their own timer (500 ms) and a 3 s down
// period, so a crashed node's presences leave its peers within about 3.5 s; a node whose own
// event loop stalled does not call its peers down for the silence it could not read; and
// PHOENIX_TRACKER restores Phoenix's 30 s. All in virtual time.
import assert from 'node:assert/strict'
import { afterEach, describe, it } from 'node:test'
import { PubSub, silentLogger } from '@plume/pubsub'
import { PHOENIX_TRACKER, Tracker } from '@plume/tracker'
import type { Scheduler } from '@plume/tracker'
import { Cluster, keysOf } from './support/cluster.js'

let cluster: Cluster | undefined
afterEach(async () => {
  await cluster?.teardown()
  cluster = undefined
})

/** Virtual ms until `b` no longer lists `room`'s presences, checked every 100 ms. */
async function timeUntilGone(c: Cluster, b: string, limit: number): Promise<number> {
  const start = c.scheduler.now()
  while (c.tracker(b).list('room').length > 0) {
    if (c.scheduler.now() - start > limit) return Infinity
    await c.advance(100)
  }
  return c.scheduler.now() - start
}

async function crashAfterSync(c: Cluster): Promise<void> {
  const a = await c.add('a')
  await c.add('b')
  a.tracker.track('o', 'room', 'alice', {})
  await c.advance(2000)
  assert.deepEqual(keysOf(c.tracker('b').list('room')), ['alice'])
  await c.crash('a')
}

describe('failure detection', () => {
  it('with the defaults, a crashed node is down on its peers after 3 to 3.5 s', async () => {
    cluster = new Cluster({}, {}, {})
    await crashAfterSync(cluster)
    const gone = await timeUntilGone(cluster, 'b', 10_000)
    assert.ok(gone > 2500 && gone <= 3600, `gone after ${gone} ms`)
  })

  it('with PHOENIX_TRACKER, it takes up to 30 s', async () => {
    cluster = new Cluster(PHOENIX_TRACKER, {}, {})
    await crashAfterSync(cluster)
    // 30 s after the last heartbeat, which may predate the crash by up to 10 silent ticks.
    const gone = await timeUntilGone(cluster, 'b', 40_000)
    assert.ok(gone > 15_000 && gone <= 31_600, `gone after ${gone} ms`)
  })

  it('liveness beats carry the full clock once per tick, an empty one in between', async () => {
    cluster = new Cluster({}, {}, {})
    const a = await cluster.add('a')
    await cluster.add('b')
    a.tracker.track('o', 'room', 'alice', {})
    await cluster.advance(1000)
    const since = cluster.seen.length
    await cluster.advance(6000)
    const beats = cluster.seen
      .slice(since)
      .filter((s) => s.at === 'b' && s.msg.t === 'hb' && s.msg.from.startsWith('a#'))
    const full = beats.filter((s) => s.msg.t === 'hb' && s.msg.clock.size > 0).length
    assert.equal(beats.length, 12, 'a beat every 500 ms')
    assert.equal(full, 4, 'a full clock every 1500 ms (broadcastPeriod)')
  })

  it('a node whose event loop stalled 10 s does not call its live peers down', async () => {
    const stall = await stalledPeerSees({})
    assert.deepEqual(stall.leaves, [])
    assert.deepEqual(keysOf(stall.list), ['alice'])
  })

  it('without the heartbeat timer, the same stall longer than downPeriod is a false down', async () => {
    const stall = await stalledPeerSees({ heartbeatPeriod: 0, broadcastPeriod: 500 })
    assert.deepEqual(stall.leaves, ['alice'])
  })
})

/** Runs a and b; b's clock jumps 10 s ahead at once, as after a 10 s stall of its loop. */
async function stalledPeerSees(
  extra: Record<string, unknown>,
): Promise<{ leaves: string[]; list: Array<[string, unknown]> }> {
  cluster = new Cluster({}, {}, {})
  const a = await cluster.add('a')
  let skew = 0
  const base = cluster.scheduler
  const skewed: Scheduler = { now: () => base.now() + skew, after: (ms, fn) => base.after(ms, fn) }
  const pubsub = new PubSub({ adapter: cluster.bus.adapter('b'), logger: silentLogger })
  const b = new Tracker({
    pubsub,
    scheduler: skewed,
    logger: silentLogger,
    downPeriod: 3000,
    ...extra,
  })
  const leaves: string[] = []
  b.onDiff((_t, d) => leaves.push(...d.leaves.map(([k]) => k)))
  await b.start()
  a.tracker.track('o', 'room', 'alice', {})
  await cluster.advance(2000)
  skew = 10_000
  await cluster.advance(2000)
  const list = b.list('room')
  await b.stop()
  await pubsub.close()
  return { leaves, list }
}
