// Unit tests of the PubSub core: local registry, owners, dispatchers, error containment and
// lifecycle, against SpyAdapter (remote side played by the test) and the default LocalAdapter.

import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import type { PubSubError } from '@plume/pubsub'
import { PubSub, silentLogger, type Message, type SubscriberEntry } from '@plume/pubsub'
import { captureLogger, SpyAdapter } from './support/fakes.js'

function collect(): { got: [Message, string][]; handler: (m: Message, t: string) => void } {
  const got: [Message, string][] = []
  return { got, handler: (m, t) => void got.push([m, t]) }
}

async function started(adapter = new SpyAdapter()): Promise<{ ps: PubSub; adapter: SpyAdapter }> {
  const ps = new PubSub({ adapter, logger: silentLogger })
  await ps.start()
  return { ps, adapter }
}

describe('PubSub subscriptions', () => {
  it('delivers (message, topic) to subscribers of the topic only', () => {
    const ps = new PubSub({ logger: silentLogger })
    const a = collect()
    const b = collect()
    ps.subscribe('a', a.handler)
    ps.subscribe('b', b.handler)
    ps.localBroadcast('a', { x: 1 })
    assert.deepEqual(a.got, [[{ x: 1 }, 'a']])
    assert.deepEqual(b.got, [])
  })

  it('allows duplicate subscriptions, which deliver duplicates', () => {
    const ps = new PubSub({ logger: silentLogger })
    const a = collect()
    ps.subscribe('t', a.handler)
    ps.subscribe('t', a.handler)
    assert.equal(ps.subscriberCount('t'), 2)
    ps.localBroadcast('t', 'm')
    assert.equal(a.got.length, 2)
  })

  it('unsubscribe(topic, owner) removes all of that owner, and is a no-op otherwise', () => {
    const ps = new PubSub({ logger: silentLogger })
    const a = collect()
    const b = collect()
    const owner = { id: 1 }
    ps.subscribe('t', a.handler, { owner })
    ps.subscribe('t', a.handler, { owner })
    ps.subscribe('t', b.handler)
    ps.unsubscribe('t', { id: 1 }) // a different object with the same shape is another owner
    ps.unsubscribe('nope', owner)
    assert.equal(ps.subscriberCount('t'), 3)
    ps.unsubscribe('t', owner)
    assert.equal(ps.subscriberCount('t'), 1)
    ps.unsubscribe('t', b.handler) // the owner defaults to the handler
    assert.equal(ps.subscriberCount('t'), 0)
    ps.localBroadcast('t', 'm')
    assert.deepEqual([a.got, b.got], [[], []])
  })

  it('a Subscription removes only itself, idempotently, also via using', () => {
    const ps = new PubSub({ logger: silentLogger })
    const a = collect()
    const first = ps.subscribe('t', a.handler)
    ps.subscribe('t', a.handler)
    assert.equal(first.topic, 't')
    first.unsubscribe()
    first.unsubscribe()
    assert.equal(ps.subscriberCount('t'), 1)
    {
      using _scoped = ps.subscribe('t', a.handler)
      assert.equal(ps.subscriberCount('t'), 2)
    }
    assert.equal(ps.subscriberCount('t'), 1)
  })

  it('a handler unsubscribing mid-dispatch does not disturb the current dispatch', () => {
    const ps = new PubSub({ logger: silentLogger })
    const calls: string[] = []
    const sub = ps.subscribe('t', () => {
      calls.push('first')
      sub.unsubscribe()
      later.unsubscribe()
    })
    const later = ps.subscribe('t', () => void calls.push('second'))
    ps.localBroadcast('t', 1)
    ps.localBroadcast('t', 2)
    assert.deepEqual(calls, ['first', 'second'])
  })

  it('rejects bad arguments with INVALID_ARGUMENT', () => {
    const ps = new PubSub({ logger: silentLogger })
    const invalid = { name: 'PubSubError', code: 'INVALID_ARGUMENT' }
    assert.throws(() => ps.subscribe(42 as unknown as string, () => {}), invalid)
    assert.throws(() => ps.subscribe('t', 'nope' as unknown as () => void), invalid)
    assert.throws(() => ps.subscribe('t', () => {}, { owner: null }), invalid)
    assert.throws(() => ps.registerDispatcher('default', () => {}), invalid)
    assert.throws(() => ps.localBroadcast(null as unknown as string, 1), invalid)
  })
})

describe('PubSub broadcastFrom and owners', () => {
  it('local dispatch skips every subscription owned by from', () => {
    const ps = new PubSub({ logger: silentLogger })
    const mine = collect()
    const other = collect()
    const owner = { id: 'me' }
    ps.subscribe('t', mine.handler, { owner })
    ps.subscribe('t', mine.handler, { owner })
    ps.subscribe('t', other.handler)
    ps.localBroadcastFrom(owner, 't', 'm')
    assert.deepEqual([mine.got.length, other.got.length], [0, 1])
    ps.localBroadcastFrom(other.handler, 't', 'n') // default owner = handler
    assert.deepEqual([mine.got.length, other.got.length], [2, 1])
  })

  it('broadcastFrom skips from locally but sends the message to other nodes', async () => {
    const { ps, adapter } = await started()
    const mine = collect()
    const owner = {}
    ps.subscribe('t', mine.handler, { owner })
    await ps.broadcastFrom(owner, 't', 'm')
    assert.deepEqual(mine.got, [])
    assert.deepEqual(adapter.sent, [
      { kind: 'broadcast', msg: { topic: 't', message: 'm', dispatcher: 'default' } },
    ])
  })
})

describe('PubSub dispatchers', () => {
  it('a custom dispatcher gets entries with metadata and owner, from, message, topic', async () => {
    const { ps, adapter } = await started()
    const seen: [unknown[], unknown, Message, string][] = []
    ps.registerDispatcher('spy', (entries: readonly SubscriberEntry[], from, message, topic) => {
      seen.push([entries.map((e) => [e.metadata, e.owner]), from, message, topic])
    })
    const owner = { id: 'o' }
    ps.subscribe('t', () => {}, { metadata: { fast: true }, owner })
    ps.localBroadcastFrom(owner, 't', 'l', { dispatcher: 'spy' })
    await ps.broadcast('t', 'b', { dispatcher: 'spy' })
    adapter.deliver?.({ topic: 't', message: 'r', dispatcher: 'spy' })
    assert.deepEqual(seen, [
      [[[{ fast: true }, owner]], owner, 'l', 't'],
      [[[{ fast: true }, owner]], null, 'b', 't'],
      [[[{ fast: true }, owner]], null, 'r', 't'],
    ])
    assert.equal(adapter.sent[0]?.msg.dispatcher, 'spy')
  })

  it('an unknown dispatcher fails before anything is sent', async () => {
    const { ps, adapter } = await started()
    const unknown = { code: 'UNKNOWN_DISPATCHER' }
    assert.throws(() => ps.localBroadcast('t', 1, { dispatcher: 'nope' }), unknown)
    await assert.rejects(ps.broadcast('t', 1, { dispatcher: 'nope' }), unknown)
    await assert.rejects(ps.directBroadcast('x', 't', 1, { dispatcher: 'nope' }), unknown)
    assert.deepEqual(adapter.sent, [])
  })

  it('a remote message naming an unknown dispatcher is logged and dropped', async () => {
    const logger = captureLogger()
    const adapter = new SpyAdapter()
    const ps = new PubSub({ adapter, logger })
    await ps.start()
    const a = collect()
    ps.subscribe('t', a.handler)
    adapter.deliver?.({ topic: 't', message: 1, dispatcher: 'fastlane' })
    assert.deepEqual(a.got, [])
    assert.equal(logger.lines[0]?.level, 'error')
    assert.equal((logger.lines[0]?.data?.['error'] as PubSubError).code, 'UNKNOWN_DISPATCHER')
  })
})

describe('PubSub error containment', () => {
  it('a throwing handler is logged and the other handlers still run', async () => {
    const logger = captureLogger()
    const ps = new PubSub({ logger })
    const a = collect()
    const boom = new Error('boom')
    ps.subscribe('t', () => {
      throw boom
    })
    ps.subscribe('t', a.handler)
    ps.subscribe('t', () => Promise.reject(new Error('async boom')) as unknown as void)
    ps.localBroadcast('t', 'm')
    assert.deepEqual(a.got, [['m', 't']])
    await new Promise<void>((resolve) => setImmediate(resolve)) // let the rejection be observed
    assert.deepEqual(
      logger.lines.map((l) => [l.level, l.data?.['topic'], (l.data?.['error'] as Error).message]),
      [
        ['error', 't', 'boom'],
        ['error', 't', 'async boom'],
      ],
    )
  })

  it('a throwing dispatcher is logged, not thrown to the broadcaster', () => {
    const logger = captureLogger()
    const ps = new PubSub({ logger })
    ps.registerDispatcher('bad', () => {
      throw new Error('dispatcher bug')
    })
    ps.subscribe('t', () => {})
    ps.localBroadcast('t', 1, { dispatcher: 'bad' })
    assert.equal(logger.lines.length, 1)
    assert.match(logger.lines[0]?.msg ?? '', /dispatcher threw/)
  })

  it('an adapter failure rejects the broadcast after the local dispatch', async () => {
    const adapter = new SpyAdapter()
    const { ps } = await started(adapter)
    const a = collect()
    ps.subscribe('t', a.handler)
    adapter.failSend = new Error('broker down')
    await assert.rejects(ps.broadcast('t', 'm'), /broker down/)
    assert.deepEqual(a.got, [['m', 't']])
  })
})
