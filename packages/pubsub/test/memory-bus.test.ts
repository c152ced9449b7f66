// MemoryBus as a test cluster: asynchronous encoded delivery, partitions and heal, unique
// node names, fault hooks, and a settle() that is bounded even under a message loop.

import assert from 'node:assert/strict'
import { afterEach, describe, it } from 'node:test'
import { MemoryBus, PubSub, silentLogger, type Message } from '@plume/pubsub'

let open: PubSub[] = []

async function cluster(names: string[], bus = new MemoryBus()) {
  const nodes = names.map(
    (name) => new PubSub({ adapter: bus.adapter(name), logger: silentLogger }),
  )
  open.push(...nodes)
  await Promise.all(nodes.map((n) => n.start()))
  const inboxes = nodes.map((n) => {
    const got: Message[] = []
    n.subscribe('t', (m) => void got.push(m))
    return got
  })
  return { bus, nodes, inboxes }
}

afterEach(async () => {
  await Promise.all(open.map((p) => p.close()))
  open = []
})

describe('MemoryBus delivery', () => {
  it('is asynchronous and decodes a fresh copy on each node', async () => {
    const { bus, nodes, inboxes } = await cluster(['a', 'b', 'c'])
    const message = { bytes: new Uint8Array([1, 2]) }
    await nodes[0]?.broadcast('t', message)
    assert.deepEqual([inboxes[1], inboxes[2]], [[], []])
    await bus.settle()
    assert.deepStrictEqual(inboxes[1], [message])
    assert.notEqual(inboxes[1]?.[0], message)
    assert.notEqual(inboxes[1]?.[0], inboxes[2]?.[0])
    assert.equal(inboxes[0]?.[0], message) // the local dispatch is the original object
  })

  it('rejects messages that cannot be encoded, like a real broker', async () => {
    const { nodes } = await cluster(['a', 'b'])
    await assert.rejects(nodes[0]?.broadcast('t', { n: 1n }) ?? Promise.resolve(), {
      code: 'BAD_MESSAGE',
    })
  })

  it('adapters refuse to send before start', async () => {
    const bus = new MemoryBus()
    const adapter = bus.adapter('a')
    await assert.rejects(adapter.broadcast({ topic: 't', message: 1, dispatcher: 'default' }), {
      code: 'NOT_STARTED',
    })
    assert.throws(() => bus.adapter(''), { code: 'INVALID_ARGUMENT' })
  })
})

describe('MemoryBus partitions', () => {
  it('partition() cuts traffic between groups; heal() restores it', async () => {
    const { bus, nodes, inboxes } = await cluster(['a', 'b', 'c'])
    bus.partition(['a'], ['b', 'c'])
    await nodes[0]?.broadcast('t', 'from-a')
    await nodes[1]?.broadcast('t', 'from-b')
    await bus.settle()
    assert.deepEqual(inboxes, [['from-a'], ['from-b'], ['from-b']])
    bus.heal()
    await nodes[0]?.broadcast('t', 'healed')
    await bus.settle()
    assert.deepEqual(
      inboxes.map((i) => i.at(-1)),
      ['healed', 'healed', 'healed'],
    )
  })

  it('unlisted nodes form one group; isolate(n) cuts one node off', async () => {
    const { bus, nodes, inboxes } = await cluster(['a', 'b', 'c'])
    bus.isolate('c')
    await nodes[0]?.broadcast('t', 1)
    await nodes[2]?.directBroadcast('a', 't', 2)
    await bus.settle()
    assert.deepEqual(inboxes, [[1], [1], []])
    assert.throws(() => bus.partition(['a'], ['a', 'b']), { code: 'INVALID_ARGUMENT' })
  })

  it('messages in flight across a new cut are lost', async () => {
    const { bus, nodes, inboxes } = await cluster(['a', 'b'])
    await nodes[0]?.broadcast('t', 'in-flight')
    bus.partition(['a'], ['b'])
    await bus.settle()
    assert.deepEqual(inboxes[1], [])
  })
})

describe('MemoryBus node names', () => {
  it('a second live adapter with the same name fails to start with DUPLICATE_NODE', async () => {
    const { bus } = await cluster(['a'])
    const twin = new PubSub({ adapter: bus.adapter('a'), logger: silentLogger })
    open.push(twin)
    await assert.rejects(twin.start(), { name: 'PubSubError', code: 'DUPLICATE_NODE' })
    assert.deepEqual(bus.nodes, ['a'])
  })

  it('a name is free again once its node closed (a restart)', async () => {
    const { bus, nodes } = await cluster(['a', 'b'])
    await nodes[0]?.close()
    assert.deepEqual(bus.nodes, ['b'])
    const { inboxes } = await cluster(['a'], bus)
    await nodes[1]?.broadcast('t', 'hello again')
    await bus.settle()
    assert.deepEqual(inboxes[0], ['hello again'])
  })

  it('deliveries to a node that closed meanwhile are dropped', async () => {
    const { bus, nodes } = await cluster(['a', 'b'])
    const seen: unknown[] = []
    const raw = bus.adapter('raw')
    await raw.start((m) => void seen.push(m))
    await nodes[0]?.broadcast('t', 1)
    await raw.close()
    await bus.settle()
    assert.deepEqual(seen, [])
  })
})

describe('MemoryBus faults and settle', () => {
  it('drop and duplicate hooks apply per delivery', async () => {
    const bus = new MemoryBus({ drop: (d) => d.to === 'b' })
    bus.duplicate = (d) => d.to === 'c'
    const { nodes, inboxes } = await cluster(['a', 'b', 'c'], bus)
    await nodes[0]?.broadcast('t', 'x')
    await bus.settle()
    assert.deepEqual(inboxes, [['x'], [], ['x', 'x']])
  })

  it('settle() gives up with NOT_SETTLED on an endless message loop', async () => {
    const { bus, nodes } = await cluster(['a', 'b'])
    for (const node of nodes) {
      // broadcastFrom(self): the local dispatch skips this handler, so the loop is remote only
      const pong = (): void => void node.broadcastFrom(pong, 'ping', 'again').catch(() => undefined)
      node.subscribe('ping', pong)
    }
    await nodes[0]?.broadcast('ping', 'start')
    await assert.rejects(bus.settle(), { code: 'NOT_SETTLED' })
    await Promise.all(nodes.map((n) => n.close()))
    await bus.settle()
    assert.equal(bus.pending, 0)
  })
})
