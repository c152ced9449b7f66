// Presence across nodes: every node broadcasts every diff, local or remote, to
// its own subscribers; presences of a replica that went down leave lists and come back on
// heal; a graceful stop drops them on peers at once. Virtual time over a MemoryBus.
import assert from 'node:assert/strict'
import { afterEach, beforeEach, describe, it } from 'node:test'
import { MemoryBus, PubSub, silentLogger } from '@plume/pubsub'
import { ManualScheduler, Tracker } from '@plume/tracker'
import { Presence, type DiffPayload } from '@plume/server'

const PERIOD = 100
const T = 'room:lobby'

interface Node {
  pubsub: PubSub
  presence: Presence
  diffs: DiffPayload[]
}

describe('Presence in a cluster', () => {
  let bus: MemoryBus
  let scheduler: ManualScheduler
  let nodes: Node[]

  async function node(name: string): Promise<Node> {
    const pubsub = new PubSub({ adapter: bus.adapter(name), logger: silentLogger })
    const tracker = new Tracker({
      pubsub,
      scheduler,
      broadcastPeriod: PERIOD,
      downPeriod: 500,
      permdownPeriod: 1500,
      random: () => 0,
      logger: silentLogger,
    })
    const diffs: DiffPayload[] = []
    const sink = {
      localBroadcast: (_t: string, _e: string, p: unknown) => void diffs.push(p as DiffPayload),
    }
    const presence = new Presence({ tracker, sink })
    await presence.start()
    const n = { pubsub, presence, diffs }
    nodes.push(n)
    return n
  }

  /** Advances virtual time period by period until `done()` holds; fails after `maxMs`. */
  async function until(
    label: string,
    done: () => Promise<boolean> | boolean,
    maxMs = 3000,
  ): Promise<number> {
    for (let t = 0; t <= maxMs; t += PERIOD) {
      await bus.settle()
      for (const n of nodes) await n.presence.flushed()
      if (await done()) return t
      scheduler.advance(PERIOD)
    }
    throw new Error(`not reached within ${maxMs} virtual ms: ${label}`)
  }

  const keys = async (n: Node): Promise<string[]> => Object.keys(await n.presence.list(T)).sort()
  const events = (n: Node): string[] =>
    n.diffs.flatMap((d) => [
      ...Object.keys(d.joins).map((k) => `+${k}`),
      ...Object.keys(d.leaves).map((k) => `-${k}`),
    ])

  beforeEach(() => {
    bus = new MemoryBus({ logger: silentLogger })
    scheduler = new ManualScheduler()
    nodes = []
  })
  afterEach(async () => {
    for (const n of nodes) {
      await n.presence.stop()
      await n.pubsub.close()
    }
  })

  it('each node broadcasts remote joins and leaves to its own subscribers', async () => {
    const a = await node('a')
    const b = await node('b')
    a.presence.track('a:1', T, 'alice', {})
    b.presence.track('b:1', T, 'bob', {})
    await until(
      'both nodes list both users',
      async () => (await keys(a)).length === 2 && (await keys(b)).length === 2,
    )
    assert.deepEqual(events(a), ['+alice', '+bob'])
    assert.deepEqual(events(b), ['+bob', '+alice'])
    a.presence.untrack('a:1', T, 'alice')
    await until('b lists bob only', async () => (await keys(b)).join() === 'bob')
    assert.deepEqual(events(b), ['+bob', '+alice', '-alice'])
  })

  it('a partitioned peer leaves after the down period and joins again on heal', async () => {
    const a = await node('a')
    const b = await node('b')
    a.presence.track('a:1', T, 'alice', {})
    await until('b lists alice', async () => (await keys(b)).includes('alice'))
    bus.partition(['a'], ['b'])
    const waited = await until('alice leaves b', async () => (await keys(b)).length === 0)
    assert.ok(waited >= 400, `left after ${waited} ms, before the down period`)
    assert.deepEqual(events(b), ['+alice', '-alice'])
    assert.deepEqual(await keys(a), ['alice'], 'the owner still lists it')
    bus.heal()
    await until('alice back on b', async () => (await keys(b)).includes('alice'))
    assert.deepEqual(events(b), ['+alice', '-alice', '+alice'])
  })

  it('a graceful stop removes the node from peers without waiting for the down period', async () => {
    const a = await node('a')
    const b = await node('b')
    a.presence.track('a:1', T, 'alice', {})
    await until('b lists alice', async () => (await keys(b)).includes('alice'))
    await a.presence.stop({ graceful: true })
    const waited = await until('alice leaves b', async () => (await keys(b)).length === 0)
    assert.ok(waited < 500, `took ${waited} virtual ms`)
  })
})
