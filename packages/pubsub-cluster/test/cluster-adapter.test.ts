// ClusterAdapter's own rules, in process against a real Router (support/loopback.ts):
// the start handshake and its refusals, the declared message limit, option checks, and
// that nothing reaches a closed or foreign node.

import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import { PubSub, type RemoteMessage } from '@plume/pubsub'
import { Inbox } from '@plume/pubsub/testing'
import { ClusterAdapter, type WorkerChannel } from '@plume/pubsub-cluster'
import { TAG } from '../src/wire.js'
import { Loopback } from './support/loopback.js'

const silent: WorkerChannel = { send: (_m, done) => done(null), subscribe: () => () => {} }

function pubsubOn(loop: Loopback, worker: number, nodeName: string): PubSub {
  return new PubSub({ adapter: new ClusterAdapter({ nodeName, channel: loop.channel(worker) }) })
}

describe('ClusterAdapter', () => {
  it('refuses a node name another live worker holds with DUPLICATE_NODE', async () => {
    const loop = new Loopback()
    const first = pubsubOn(loop, 1, 'web')
    await first.start()
    await assert.rejects(pubsubOn(loop, 2, 'web').start(), { code: 'DUPLICATE_NODE' })
    await first.close()
    const second = pubsubOn(loop, 2, 'web')
    await second.start() // close() said bye: the name is free again
    await second.close()
  })

  it('lets a new replica take the name of a worker that died without closing', async () => {
    const loop = new Loopback()
    const dead = pubsubOn(loop, 1, 'web')
    const other = pubsubOn(loop, 2, 'other')
    await Promise.all([dead.start(), other.start()])
    loop.exit(1)
    const replica = pubsubOn(loop, 3, 'web')
    await replica.start()
    const inbox = new Inbox('replica')
    replica.subscribe('t', inbox.handler)
    await other.directBroadcast('web', 't', 'for the replica')
    assert.deepEqual(await inbox.waitFor(1), ['for the replica'])
    await Promise.all([replica.close(), other.close(), dead.close()])
  })

  it('fails start with NOT_STARTED when no hub answers, and can start again later', async () => {
    const adapter = new ClusterAdapter({ nodeName: 'lonely', channel: silent, startTimeoutMs: 20 })
    await assert.rejects(
      adapter.start(() => {}),
      {
        code: 'NOT_STARTED',
        message: /startClusterHub\(\) running in the primary/,
      },
    )
    await assert.rejects(adapter.broadcast({ topic: 't', message: 1, dispatcher: 'default' }), {
      code: 'NOT_STARTED',
    })
  })

  it('refuses a message over maxMessageBytes with BAD_MESSAGE and sends nothing', async () => {
    const loop = new Loopback()
    const channel = loop.channel(1)
    const adapter = new ClusterAdapter({ nodeName: 'a', channel, maxMessageBytes: 1024 })
    assert.equal(adapter.maxMessageBytes, 1024)
    await adapter.start(() => {})
    const sentBefore = loop.sent.get(1)?.length
    const big: RemoteMessage = { topic: 't', message: 'x'.repeat(1024), dispatcher: 'default' }
    await assert.rejects(adapter.broadcast(big), { code: 'BAD_MESSAGE', message: /1024/ })
    assert.equal(loop.sent.get(1)?.length, sentBefore)
    await adapter.broadcast({ ...big, message: 'x'.repeat(900) })
    await adapter.close()
  })

  it('declares 8 MiB by default', () => {
    assert.equal(new ClusterAdapter({ nodeName: 'a', channel: silent }).maxMessageBytes, 8 << 20)
  })

  it('rejects unusable options with INVALID_ARGUMENT naming the option', () => {
    const bad: Array<[object, RegExp]> = [
      [{ nodeName: '', channel: silent }, /nodeName/],
      [{ nodeName: 'a', channel: silent, maxMessageBytes: 0 }, /maxMessageBytes/],
      [{ nodeName: 'a', channel: silent, startTimeoutMs: 1.5 }, /startTimeoutMs/],
      [{ channel: silent }, /nodeName is required outside a node:cluster worker/],
    ]
    for (const [options, message] of bad) {
      assert.throws(() => new ClusterAdapter(options), { code: 'INVALID_ARGUMENT', message })
    }
  })

  it('explains that it needs a cluster worker when the process has no IPC channel', () => {
    assert.throws(() => new ClusterAdapter({ nodeName: 'a' }), /node:cluster worker/)
  })

  it('ignores foreign, malformed and misaddressed messages and anything after close', async () => {
    const loop = new Loopback()
    const got: RemoteMessage[] = []
    const adapter = new ClusterAdapter({ nodeName: 'a', channel: loop.channel(1) })
    await adapter.start((m) => got.push(m))
    loop.inject(1, { cmd: 'the application’s own message' })
    loop.inject(1, { plume: TAG, t: 'msg', node: 'a' }) // no data
    loop.inject(1, { plume: TAG, t: 'msg', node: 'b', data: '{}' })
    const envelope = JSON.stringify({
      v: 1,
      mode: 'only',
      node: 'a',
      sender: 'b',
      topic: 't',
      dispatcher: 'default',
      message: 1,
    })
    loop.inject(1, { plume: TAG, t: 'msg', node: 'a', data: envelope })
    await adapter.close()
    loop.inject(1, { plume: TAG, t: 'msg', node: 'a', data: envelope })
    assert.deepEqual(got, [{ topic: 't', message: 1, dispatcher: 'default' }])
  })

  it('rejects sends with CLOSED once the channel to the primary is gone', async () => {
    let open = true
    const loop = new Loopback()
    const inner = loop.channel(1)
    const channel: WorkerChannel = {
      send: (m, done) => (open ? inner.send(m, done) : done(new Error('channel closed'))),
      subscribe: (l) => inner.subscribe(l),
    }
    const adapter = new ClusterAdapter({ nodeName: 'a', channel })
    await adapter.start(() => {})
    open = false
    await assert.rejects(adapter.broadcast({ topic: 't', message: 1, dispatcher: 'default' }), {
      code: 'CLOSED',
    })
    await adapter.close() // still resolves: nothing to unregister from
  })
})
