// Conformance cases about who receives what (phoenix_pubsub's shared pubsub tests, ported).
// Each case is written for N nodes (N = 1 or 3); negative checks end with h.flush(), after
// which a message that should not have arrived never will.

import assert from 'node:assert/strict'
import type { Harness } from './harness.js'

/** One conformance case; `run` must work for one node and for three. */
export interface ConformanceCase {
  readonly name: string
  run(h: Harness): Promise<void>
}

const nodeNames: ConformanceCase = {
  name: 'node names: non-empty, distinct, and reported by PubSub.nodeName',
  run(h) {
    const names = h.nodes.map((n) => n.name)
    for (const node of h.nodes) {
      assert.equal(typeof node.name, 'string')
      assert.notEqual(node.name, '')
      assert.equal(node.pubsub.nodeName, node.name)
    }
    assert.equal(new Set(names).size, names.length, `node names must be distinct: ${names.join()}`)
    return Promise.resolve()
  },
}

const broadcastTopic: ConformanceCase = {
  name: 'broadcast reaches every node subscribed to the topic, once, and no other topic',
  async run(h) {
    const a = h.nodes.map((n) => h.inbox(n, 'conf:a'))
    const b = h.nodes.map((n) => h.inbox(n, 'conf:b'))
    await h.nodes[0]?.pubsub.broadcast('conf:a', { n: 1 })
    await h.flush()
    for (const inbox of a) assert.deepEqual(inbox.messages, [{ n: 1 }])
    for (const inbox of b) assert.deepEqual(inbox.messages, [])
  },
}

const broadcastFrom: ConformanceCase = {
  name: 'broadcastFrom skips only the sender on its own node; remote nodes use from = null',
  async run(h) {
    const [first, ...rest] = h.nodes
    assert.ok(first)
    const sender = { id: 'sender' }
    const skipped = h.inbox(first, 'conf:from', { owner: sender })
    const sibling = h.inbox(first, 'conf:from', { owner: { id: 'sibling' } })
    // the same owner object on other nodes: owners are local identities, so these receive
    const remote = rest.map((n) => h.inbox(n, 'conf:from', { owner: sender }))
    await first.pubsub.broadcastFrom(sender, 'conf:from', 'hi')
    await h.flush()
    assert.deepEqual(skipped.messages, [])
    assert.deepEqual(sibling.messages, ['hi'])
    for (const inbox of remote) assert.deepEqual(inbox.messages, ['hi'])
  },
}

const directBroadcast: ConformanceCase = {
  name: 'directBroadcast reaches only the target node, including itself when targeted',
  async run(h) {
    const [first, second] = h.nodes
    assert.ok(first)
    const inboxes = h.nodes.map((n) => h.inbox(n, 'conf:direct'))
    await first.pubsub.directBroadcast(first.name, 'conf:direct', 'to-self')
    if (second) await first.pubsub.directBroadcast(second.name, 'conf:direct', 'to-second')
    await h.flush()
    assert.deepEqual(inboxes[0]?.messages, ['to-self'])
    if (second) assert.deepEqual(inboxes[1]?.messages, ['to-second'])
    for (const inbox of inboxes.slice(2)) assert.deepEqual(inbox.messages, [])
  },
}

const unknownNode: ConformanceCase = {
  name: 'directBroadcast to an unknown node resolves and delivers nothing',
  async run(h) {
    const inboxes = h.nodes.map((n) => h.inbox(n, 'conf:unknown'))
    const ghost = `conformance-no-such-node-${process.pid}`
    await h.nodes[0]?.pubsub.directBroadcast(ghost, 'conf:unknown', 'lost')
    await h.flush()
    for (const inbox of inboxes) assert.deepEqual(inbox.messages, [])
  },
}

const localBroadcast: ConformanceCase = {
  name: 'localBroadcast and localBroadcastFrom stay on the calling node',
  async run(h) {
    const [first] = h.nodes
    assert.ok(first)
    const owner = { id: 'local-owner' }
    const mine = h.inbox(first, 'conf:local', { owner })
    const sibling = h.inbox(first, 'conf:local')
    const others = h.nodes.slice(1).map((n) => h.inbox(n, 'conf:local'))
    first.pubsub.localBroadcast('conf:local', 'one')
    first.pubsub.localBroadcastFrom(owner, 'conf:local', 'two')
    await h.flush()
    assert.deepEqual(mine.messages, ['one'])
    assert.deepEqual(sibling.messages, ['one', 'two'])
    for (const inbox of others) assert.deepEqual(inbox.messages, [])
  },
}

/** Cases about routing, in the order they run. */
export const routingCases: readonly ConformanceCase[] = [
  nodeNames,
  broadcastTopic,
  broadcastFrom,
  directBroadcast,
  unknownNode,
  localBroadcast,
]
