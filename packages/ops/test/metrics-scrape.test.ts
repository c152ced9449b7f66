// /metrics scraped over HTTP as Prometheus does: connections by transport, channels,
// presences per node and for the busiest topics, diffs and frames, replication lag and
// replica status across two nodes, broker-less limits, and Node's event-loop delay.
import assert from 'node:assert/strict'
import { after, before, describe, it } from 'node:test'
import { MemoryBus, silentLogger } from '@plume/pubsub'
import { waitFor } from '@plume/testkit'
import { Metrics } from '@plume/ops'
import { Client, startNode, type OpsNode } from './support.js'

/** The value of `name{labels}` in exposition text, or undefined when absent. */
function sample(text: string, name: string, labels = ''): number | undefined {
  const prefix = labels === '' ? `${name} ` : `${name}{${labels}} `
  const line = text.split('\n').find((l) => l.startsWith(prefix))
  return line === undefined ? undefined : Number(line.slice(prefix.length))
}

async function scrape(node: OpsNode): Promise<string> {
  const res = await fetch(`${node.url}/metrics`)
  assert.equal(res.status, 200)
  assert.match(res.headers.get('content-type') ?? '', /^text\/plain; version=0\.0\.4/)
  return res.text()
}

describe('metrics endpoint', () => {
  const bus = new MemoryBus({ logger: silentLogger })
  let a: OpsNode
  let b: OpsNode
  const clients: Client[] = []

  before(async () => {
    a = await startNode('a', { bus })
    b = await startNode('b', { bus })
  })

  after(async () => {
    for (const c of clients) await c.close()
    await a.close()
    await b.close()
  })

  it('counts connections, channels, frames and presences of this node', async () => {
    const alice = await Client.open(a.wsUrl, 'alice')
    const bob = await Client.open(a.wsUrl, 'bob')
    clients.push(alice, bob)
    assert.equal(await alice.join('room:lobby'), 'ok')
    assert.equal(await bob.join('room:lobby'), 'ok')
    assert.equal(await bob.join('room:other'), 'ok')
    await waitFor('presences tracked', () => a.tracker.count('room:lobby') === 2)
    const text = await scrape(a)
    assert.equal(sample(text, 'plume_connections', 'transport="websocket"'), 2)
    assert.equal(sample(text, 'plume_channels'), 3)
    assert.equal(sample(text, 'plume_channel_joins_total', 'status="ok"'), 3)
    assert.equal(sample(text, 'plume_presences', 'node="a"'), 3)
    assert.equal(sample(text, 'plume_topic_presences', 'topic="room:lobby"'), 2)
    assert.equal(sample(text, 'plume_topic_presences', 'topic="room:other"'), 1)
    assert.equal(sample(text, 'plume_frames_received_total', 'transport="websocket"'), 3)
    assert.ok(sample(text, 'plume_frames_sent_total', 'transport="websocket"')! >= 3)
    assert.ok(sample(text, 'plume_presence_diffs_total')! >= 2)
  })

  it('sees the peer up, its presences, and the replication lag of merging them', async () => {
    const carol = await Client.open(b.wsUrl, 'carol')
    clients.push(carol)
    await carol.join('room:lobby')
    await waitFor('carol replicated to a', () => a.tracker.count('room:lobby') === 3)
    const text = await scrape(a)
    assert.equal(sample(text, 'plume_replica_up', 'peer="b"'), 1)
    assert.equal(sample(text, 'plume_presences', 'node="b"'), 1)
    assert.ok(sample(text, 'plume_replication_lag_seconds_count')! >= 1)
    assert.ok(sample(text, 'plume_replication_lag_seconds_sum')! >= 0)
    assert.ok(sample(text, 'plume_tracker_merges_total')! >= 1)
    // Node a's scrape counts only a's connections, though b runs in the same process.
    assert.equal(sample(text, 'plume_connections', 'transport="websocket"'), 2)
  })

  it('counts limit hits by limit, and lowers gauges when clients leave', async () => {
    const dave = await Client.open(a.wsUrl, 'dave')
    await dave.join('room:1')
    await dave.join('room:2')
    assert.equal(await dave.join('room:3'), 'error')
    assert.equal(sample(await scrape(a), 'plume_limit_hits_total', 'limit="max_channels"'), 1)
    await dave.close()
    await waitFor('dave gone', async () => {
      const text = await scrape(a)
      return sample(text, 'plume_connections', 'transport="websocket"') === 2
    })
    assert.equal(sample(await scrape(a), 'plume_channels'), 3)
  })

  it("includes Node's event-loop delay", async () => {
    const text = await scrape(a)
    assert.ok(sample(text, 'nodejs_eventloop_lag_p99_seconds') !== undefined, 'p99 delay')
  })

  it('leaves other paths to the app and refuses other methods', async () => {
    assert.equal((await fetch(`${a.url}/other`)).status, 404)
    assert.equal((await fetch(`${a.url}/metrics`, { method: 'POST' })).status, 405)
  })
})

describe('Metrics options', () => {
  it('rejects a bad topTopics with a clear error', () => {
    assert.throws(() => new Metrics({ topTopics: 0 }), /topTopics must be an integer >= 1/)
  })
})
