// Lifecycle of PubSub: start/close idempotence, NOT_STARTED and CLOSED errors, node names,
// and the default LocalAdapter (single node, directBroadcast to self delivered asynchronously).

import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import { LocalAdapter, PubSub, silentLogger, type Message } from '@plume/pubsub'
import { SpyAdapter } from './support/fakes.js'

describe('PubSub lifecycle', () => {
  it('start is idempotent and starts the adapter once', async () => {
    const adapter = new SpyAdapter()
    const ps = new PubSub({ adapter, logger: silentLogger })
    const first = ps.start()
    assert.equal(ps.start(), first)
    await first
    await ps.start()
    assert.equal(adapter.starts, 1)
  })

  it('a failed start rejects and may be retried', async () => {
    const adapter = new SpyAdapter()
    adapter.failStart = new Error('no broker')
    const ps = new PubSub({ adapter, logger: silentLogger })
    await assert.rejects(ps.start(), /no broker/)
    await assert.rejects(ps.broadcast('t', 1), { code: 'NOT_STARTED' })
    adapter.failStart = null
    await ps.start()
    await ps.broadcast('t', 1)
    assert.equal(adapter.starts, 2)
  })

  it('remote sends before start reject NOT_STARTED; local ones work', async () => {
    const ps = new PubSub({ logger: silentLogger })
    const got: Message[] = []
    ps.subscribe('t', (m) => void got.push(m))
    ps.localBroadcast('t', 'local')
    await assert.rejects(ps.broadcast('t', 1), { name: 'PubSubError', code: 'NOT_STARTED' })
    await assert.rejects(ps.broadcastFrom({}, 't', 1), { code: 'NOT_STARTED' })
    await assert.rejects(ps.directBroadcast('nonode', 't', 1), { code: 'NOT_STARTED' })
    assert.deepEqual(got, ['local'])
  })

  it('close drops subscriptions, closes the adapter once, and refuses further use', async () => {
    const adapter = new SpyAdapter()
    const ps = new PubSub({ adapter, logger: silentLogger })
    await ps.start()
    const got: Message[] = []
    ps.subscribe('t', (m) => void got.push(m))
    await Promise.all([ps.close(), ps.close()])
    assert.equal(adapter.closes, 1)
    assert.equal(ps.subscriberCount('t'), 0)
    adapter.deliver?.({ topic: 't', message: 'late', dispatcher: 'default' })
    assert.deepEqual(got, [])
    assert.throws(() => ps.subscribe('t', () => {}), { code: 'CLOSED' })
    await assert.rejects(ps.broadcast('t', 1), { code: 'CLOSED' })
    await assert.rejects(ps.start(), { code: 'CLOSED' })
  })

  it('await using closes the PubSub', async () => {
    const adapter = new SpyAdapter()
    {
      await using ps = new PubSub({ adapter, logger: silentLogger })
      await ps.start()
    }
    assert.equal(adapter.closes, 1)
  })

  it('nodeName comes from the adapter, or the option, or defaults to nonode', () => {
    assert.equal(new PubSub().nodeName, 'nonode')
    assert.equal(new PubSub({ nodeName: 'web-1' }).nodeName, 'web-1')
    assert.equal(new PubSub({ adapter: new SpyAdapter('x') }).nodeName, 'x')
    assert.throws(() => new PubSub({ adapter: new SpyAdapter('x'), nodeName: 'y' }), {
      code: 'INVALID_ARGUMENT',
    })
  })
})

describe('LocalAdapter through PubSub', () => {
  it('broadcast dispatches locally once; nothing comes back through the adapter', async () => {
    const ps = new PubSub({ adapter: new LocalAdapter('solo'), logger: silentLogger })
    await ps.start()
    const got: Message[] = []
    ps.subscribe('t', (m) => void got.push(m))
    await ps.broadcast('t', 'b')
    await ps.directBroadcast('solo', 't', 'marker')
    await waitUntil(() => got.length >= 2)
    assert.deepEqual(got, ['b', 'marker'])
    await ps.close()
  })

  it('directBroadcast to itself is asynchronous; to another node it is dropped', async () => {
    const ps = new PubSub({ nodeName: 'solo', logger: silentLogger })
    await ps.start()
    const got: Message[] = []
    ps.subscribe('t', (m) => void got.push(m))
    const sent = ps.directBroadcast('elsewhere', 't', 'lost')
    const self = ps.directBroadcast('solo', 't', 'self')
    assert.deepEqual(got, [])
    await Promise.all([sent, self])
    await waitUntil(() => got.length >= 1)
    assert.deepEqual(got, ['self'])
    await ps.close()
  })

  it('a direct send to itself that is still queued at close is not delivered', async () => {
    const adapter = new LocalAdapter('solo')
    const got: unknown[] = []
    await adapter.start((m) => void got.push(m))
    const sent = adapter.directBroadcast('solo', { topic: 't', message: 1, dispatcher: 'default' })
    await adapter.close()
    await sent
    await new Promise<void>((resolve) => setImmediate(resolve))
    assert.deepEqual(got, [])
    await assert.rejects(adapter.broadcast({ topic: 't', message: 1, dispatcher: 'd' }), {
      code: 'CLOSED',
    })
  })
})

/** Polls once per macrotask turn, bounded; fails instead of hanging. */
async function waitUntil(done: () => boolean, turns = 100): Promise<void> {
  for (let i = 0; i < turns; i++) {
    if (done()) return
    await new Promise<void>((resolve) => setImmediate(resolve))
  }
  assert.fail(`condition not met after ${turns} turns`)
}
