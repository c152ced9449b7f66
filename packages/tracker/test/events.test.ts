// The tracker's diagnostics events: replica up/down/permdown, transfer steps and merges with
// their replication lag, checked over a MemoryBus with virtual time. Node b's clock runs
// 250 ms ahead of a's, so a merge at b of a change a sent in the same step lags 250 ms.
import assert from 'node:assert/strict'
import { afterEach, describe, it } from 'node:test'
import { MemoryBus, PubSub, silentLogger, subscribeEvent } from '@plume/pubsub'
import {
  ManualScheduler,
  mergeEvent,
  replicaEvent,
  Tracker,
  transferEvent,
  type MergeEvent,
  type ReplicaEvent,
  type TransferEvent,
} from '@plume/tracker'

const PERIOD = 100
const SKEW = 250

interface Node {
  pubsub: PubSub
  tracker: Tracker
  clock: ManualScheduler
}

let bus = new MemoryBus({ logger: silentLogger })
const nodes: Node[] = []
const disposers: Array<() => void> = []

afterEach(async () => {
  for (const dispose of disposers.splice(0)) dispose()
  for (const n of nodes.splice(0)) {
    await n.tracker.stop()
    await n.pubsub.close()
  }
  bus = new MemoryBus({ logger: silentLogger })
})

async function node(name: string, start: number): Promise<Node> {
  const pubsub = new PubSub({ adapter: bus.adapter(name), logger: silentLogger })
  const clock = new ManualScheduler(start)
  const tracker = new Tracker({
    pubsub,
    scheduler: clock,
    broadcastPeriod: PERIOD,
    maxSilentPeriods: 2,
    downPeriod: 5 * PERIOD,
    permdownPeriod: 10 * PERIOD,
    logger: silentLogger,
    random: () => 0,
  })
  await tracker.start()
  const n = { pubsub, tracker, clock }
  nodes.push(n)
  return n
}

async function advance(ms: number): Promise<void> {
  for (let done = 0; done < ms; done += PERIOD) {
    for (const n of nodes) n.clock.advance(PERIOD)
    await bus.settle()
  }
}

function record<T>(event: Parameters<typeof subscribeEvent<T>>[0]): T[] {
  const seen: T[] = []
  disposers.push(subscribeEvent(event, (p) => seen.push(p)))
  return seen
}

describe('tracker events', () => {
  it('reports a peer up, then a merge of its change with the lag from send to merge', async () => {
    const replicas = record<ReplicaEvent>(replicaEvent)
    const merges = record<MergeEvent>(mergeEvent)
    const a = await node('a', 0)
    const b = await node('b', SKEW)
    await advance(3 * PERIOD)
    const ups = replicas.map((r) => `${r.node}:${r.peer}:${r.status}:${r.shard}`).sort()
    assert.deepEqual(ups, ['a:b:up:0', 'b:a:up:0'])
    assert.ok(replicas.some((r) => r.node === 'b' && r.peer === 'a' && r.replica.startsWith('a#')))
    a.tracker.track('owner', 'room:1', 'alice', {})
    // Eager replication sends the change at once: deliver it without moving either clock, so
    // the lag is exactly the skew between the two nodes' clocks.
    for (const n of nodes) n.clock.advance(0)
    await bus.settle()
    const atB = merges.filter((m) => m.node === 'b' && m.joins > 0)
    assert.equal(atB.length, 1)
    assert.deepEqual(atB[0], { node: 'b', shard: 0, peer: 'a', joins: 1, leaves: 0, lagMs: SKEW })
    assert.deepEqual(b.tracker.stats().nodes, new Map([['a', 1]]))
  })

  it('reports the transfer steps when a node joins a peer that holds presences', async () => {
    const transfers = record<TransferEvent>(transferEvent)
    const a = await node('a', 0)
    a.tracker.track('owner', 'room:1', 'alice', {})
    await advance(3 * PERIOD)
    const b = await node('b', 0)
    await advance(6 * PERIOD)
    assert.deepEqual(b.tracker.stats().topics, new Map([['room:1', 1]]))
    const steps = transfers.map((t) => `${t.node}<-${t.peer}:${t.stage}`)
    assert.ok(steps.includes('b<-a:requested'), steps.join(' '))
    assert.ok(steps.includes('a<-b:answered'), steps.join(' '))
    assert.ok(steps.includes('b<-a:received'), steps.join(' '))
  })

  it('reports down then permdown when a peer goes silent', async () => {
    const replicas = record<ReplicaEvent>(replicaEvent)
    await node('a', 0)
    const b = await node('b', 0)
    await advance(3 * PERIOD)
    await b.tracker.stop()
    nodes.splice(nodes.indexOf(b), 1)
    await b.pubsub.close()
    await advance(12 * PERIOD)
    const seenByA = replicas.filter((r) => r.node === 'a').map((r) => r.status)
    assert.deepEqual(seenByA, ['up', 'down', 'permdown'])
  })

  it('publishes nothing, and builds nothing, while nobody subscribes', () => {
    assert.equal(replicaEvent.hasSubscribers, false)
    assert.equal(mergeEvent.hasSubscribers, false)
    assert.equal(transferEvent.hasSubscribers, false)
  })
})
