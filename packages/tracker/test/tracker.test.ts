// Single-node and API behaviour of the Tracker (with the untrack, update and
// duplicate cases of phoenix_pubsub's tests): local diffs, phx_ref handling, options validation.
import assert from 'node:assert/strict'
import { afterEach, describe, it } from 'node:test'
import { PubSub, silentLogger } from '@plume/pubsub'
import { ManualScheduler, Tracker, TrackerError } from '@plume/tracker'
import { Cluster, events, keysOf } from './support/cluster.js'

const code = (c: string) => (e: unknown) => e instanceof TrackerError && e.code === c
let cluster: Cluster | undefined
afterEach(async () => {
  await cluster?.teardown()
  cluster = undefined
})

describe('Tracker options', () => {
  const pubsub = new PubSub({ logger: silentLogger })
  const bad: Array<[string, Record<string, unknown>]> = [
    [
      'downPeriod < 2 * broadcastPeriod (liveness on the tick)',
      { heartbeatPeriod: 0, broadcastPeriod: 100, downPeriod: 199 },
    ],
    ['downPeriod < 3 * heartbeatPeriod', { heartbeatPeriod: 500, downPeriod: 1499 }],
    ['negative heartbeatPeriod', { heartbeatPeriod: -1 }],
    ['heartbeatPeriod beyond the longest timer', { heartbeatPeriod: 2 ** 31 }],
    ['heartbeatPeriod with a toString trap', { heartbeatPeriod: { toString: null } }],
    ['eagerReplication that is not a boolean', { eagerReplication: 'yes' }],
    ['permdownPeriod == downPeriod', { downPeriod: 500, permdownPeriod: 500 }],
    ['permdownPeriod < downPeriod', { downPeriod: 500, permdownPeriod: 400 }],
    ['poolSize 0', { poolSize: 0 }],
    ['fractional poolSize', { poolSize: 1.5 }],
    ['negative broadcastPeriod', { broadcastPeriod: -1 }],
    [
      'broadcastPeriod beyond the longest timer',
      { broadcastPeriod: 2 ** 31, downPeriod: 2 ** 33, permdownPeriod: 2 ** 34 },
    ],
    ['empty maxDeltaSizes', { maxDeltaSizes: [] }],
    ['zero cap', { maxDeltaSizes: [0] }],
    ['empty name', { name: '' }],
    ['clockSamplePeriods 0', { clockSamplePeriods: 0 }],
    ['poolSize with a toString trap', { poolSize: { toString: null } }],
    ['broadcastPeriod with a toString trap', { broadcastPeriod: { toString: null } }],
    ['maxDeltaSizes holding a toString trap', { maxDeltaSizes: [{ toString: null }] }],
    ['broadcastPeriod as a numeric string', { broadcastPeriod: '100' }],
    ['name as an object', { name: { toString: null } }],
  ]
  for (const [name, o] of bad) {
    it(`rejects ${name}`, () => {
      assert.throws(() => new Tracker({ pubsub, ...o }), code('INVALID_OPTIONS'))
    })
  }
  it('rejects a missing pubsub', () => {
    assert.throws(() => new Tracker({} as never), code('INVALID_OPTIONS'))
  })
  it('accepts the defaults; the constructor starts no timer', () => {
    const scheduler = new ManualScheduler()
    const t = new Tracker({ pubsub, scheduler })
    assert.equal(scheduler.pending, 0)
    assert.equal(t.poolSize, 1)
    assert.equal(t.nodeName, 'nonode')
    cluster = new Cluster()
  })
})

describe('Tracker local operations', () => {
  it('track before start is refused', async () => {
    cluster = new Cluster()
    const t = new Tracker({
      pubsub: new PubSub({ logger: silentLogger }),
      scheduler: cluster.scheduler,
    })
    assert.throws(() => t.track('o', 'room', 'k', {}), code('NOT_STARTED'))
    t.untrack('o', 'room', 'k')
    t.untrackAll('o')
  })

  it('concurrent start calls share one start; shards start once', async () => {
    cluster = new Cluster()
    const t = new Tracker({
      pubsub: new PubSub({ logger: silentLogger }),
      scheduler: cluster.scheduler,
      heartbeatPeriod: 0, // one timer per shard: the tick
      eagerReplication: false, // (no first heartbeat on the next turn)
    })
    await Promise.all([t.start(), t.start()])
    assert.equal(cluster.scheduler.pending, 1)
    t.track('o', 'room', 'k', {})
    await t.stop()
  })

  it('track reports a join, lists it, and returns the phx_ref', async () => {
    cluster = new Cluster()
    const a = await cluster.add('a')
    const ref = a.tracker.track('o1', 'room', 'alice', { x: 1 })
    assert.equal(typeof ref, 'string')
    assert.deepEqual(a.tracker.list('room'), [['alice', { x: 1, phx_ref: ref }]])
    assert.deepEqual(a.tracker.getByKey('room', 'alice'), [['o1', { x: 1, phx_ref: ref }]])
    assert.equal(a.tracker.count('room'), 1)
    assert.deepEqual(a.diffs, [
      ['room', { joins: [['alice', { x: 1, phx_ref: ref }]], leaves: [] }],
    ])
  })

  it('phx_refs are unique', async () => {
    cluster = new Cluster()
    const a = await cluster.add('a')
    const refs = new Set(
      Array.from({ length: 50 }, (_, i) => a.tracker.track('o', 'room', `k${i}`, {})),
    )
    assert.equal(refs.size, 50)
  })

  it('a duplicate track is rejected; another topic or key is allowed', async () => {
    cluster = new Cluster()
    const { tracker } = await cluster.add('a')
    tracker.track('o', 'room', 'k', {})
    assert.throws(() => tracker.track('o', 'room', 'k', {}), code('ALREADY_TRACKED'))
    tracker.track('o', 'room2', 'k', {})
    tracker.track('o', 'room', 'k2', {})
    tracker.track('o2', 'room', 'k', {})
    assert.equal(tracker.count('room'), 3)
  })

  it('untrack of nothing is a no-op; untrack by topic removes only that topic; untrackAll removes all', async () => {
    cluster = new Cluster()
    const a = await cluster.add('a')
    a.tracker.untrack('ghost', 'room', 'k')
    assert.deepEqual(a.diffs, [])
    a.tracker.track('o', 'room1', 'k', {})
    a.tracker.track('o', 'room2', 'k', {})
    a.tracker.track('other', 'room2', 'j', {})
    a.tracker.untrack('o', 'room1', 'k')
    assert.deepEqual(
      [keysOf(a.tracker.list('room1')), keysOf(a.tracker.list('room2'))],
      [[], ['j', 'k']],
    )
    a.tracker.untrackAll('o')
    assert.deepEqual(keysOf(a.tracker.list('room2')), ['j'])
    assert.deepEqual(events(a.diffs), ['+k', '+k', '+j', '-k', '-k'])
    a.tracker.untrackAll('o')
    assert.equal(a.diffs.length, 5)
  })

  it('update with a map or a function: one diff, fresh phx_ref, phx_ref_prev', async () => {
    cluster = new Cluster()
    const a = await cluster.add('a')
    const r1 = a.tracker.track('o', 'room', 'k', { s: 'away' })
    const r2 = a.tracker.update('o', 'room', 'k', { s: 'busy' })
    assert.notEqual(r2, r1)
    assert.deepEqual(a.tracker.list('room'), [['k', { s: 'busy', phx_ref: r2, phx_ref_prev: r1 }]])
    const r3 = a.tracker.update('o', 'room', 'k', (old) => ({ ...old, n: 1 }))
    assert.deepEqual(a.tracker.list('room'), [
      ['k', { s: 'busy', n: 1, phx_ref: r3, phx_ref_prev: r2 }],
    ])
    assert.deepEqual(a.diffs[1], [
      'room',
      {
        joins: [['k', { s: 'busy', phx_ref: r2, phx_ref_prev: r1 }]],
        leaves: [['k', { s: 'away', phx_ref: r1 }]],
      },
    ])
    assert.equal(a.diffs.length, 3)
    assert.throws(() => a.tracker.update('o', 'room', 'missing', {}), code('NO_PRESENCE'))
  })

  it('bad arguments are refused with INVALID_ARGUMENT', async () => {
    cluster = new Cluster()
    const { tracker } = await cluster.add('a')
    assert.throws(() => tracker.track('o', 'room', 'k', null as never), code('INVALID_ARGUMENT'))
    assert.throws(() => tracker.track('o', 5 as never, 'k', {}), code('INVALID_ARGUMENT'))
    const trap = { toString: null } as never
    assert.throws(() => tracker.track(trap, 'room', 'k', {}), code('INVALID_ARGUMENT'))
    assert.throws(() => tracker.untrack('o', trap, 'k'), code('INVALID_ARGUMENT'))
    tracker.track('o', 'room', 'k', {})
    assert.throws(() => tracker.update('o', 'room', 'k', [] as never), code('INVALID_ARGUMENT'))
    assert.throws(
      () => tracker.update('o', 'room', 'k', () => null as never),
      code('INVALID_ARGUMENT'),
    )
  })

  it('a throwing diff listener is logged and does not break the tracker', async () => {
    cluster = new Cluster()
    const logged: string[] = []
    const logger = { ...silentLogger, error: (m: string) => logged.push(m) }
    const a = await cluster.add('a', { logger })
    a.tracker.onDiff(() => {
      throw new Error('boom')
    })
    a.tracker.track('o', 'room', 'k', {})
    assert.deepEqual(logged, ['tracker: diff listener threw'])
    assert.deepEqual(keysOf(a.tracker.list('room')), ['k'])
  })

  it('onDiff returns a disposer', async () => {
    cluster = new Cluster()
    const a = await cluster.add('a')
    let n = 0
    const off = a.tracker.onDiff(() => n++)
    a.tracker.track('o', 'room', 'k', {})
    off()
    a.tracker.track('o', 'room', 'k2', {})
    assert.equal(n, 1)
  })

  it('the handleDiff option receives every diff, like an onDiff listener', async () => {
    const seen: string[] = []
    const pubsub = new PubSub({ nodeName: 'solo', logger: silentLogger })
    const tracker = new Tracker({
      pubsub,
      scheduler: new ManualScheduler(),
      logger: silentLogger,
      handleDiff: (topic, diff) =>
        seen.push(`${topic}:+${diff.joins.length}-${diff.leaves.length}`),
    })
    await tracker.start()
    tracker.track('o', 'room', 'k', {})
    tracker.update('o', 'room', 'k', { v: 2 })
    tracker.untrackAll('o')
    assert.deepEqual(seen, ['room:+1-0', 'room:+1-1', 'room:+0-1'])
    await tracker.stop()
    await pubsub.close()
  })

  it('stop leaves no timer behind and refuses writes', async () => {
    cluster = new Cluster()
    const a = await cluster.add('a')
    await a.tracker.stop()
    cluster.scheduler.advance(10_000)
    assert.equal(cluster.scheduler.pending, 0)
    assert.throws(() => a.tracker.track('o', 'r', 'k', {}), code('STOPPED'))
    a.tracker.untrack('o', 'r', 'k')
    a.tracker.untrackAll('o')
    await assert.rejects(a.tracker.start(), code('STOPPED'))
  })
})
