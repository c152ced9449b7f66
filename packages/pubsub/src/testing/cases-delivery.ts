// Conformance cases about what arrives and how: custom dispatchers on every node, payloads
// that must survive the wire byte-exact, per-sender order, and silence after close().

import assert from 'node:assert/strict'
import type { Dispatcher, Message } from '../types.js'
import type { ConformanceCase } from './cases-routing.js'

interface SpyCall {
  readonly node: string
  readonly metadata: unknown[]
  readonly from: string
  readonly message: Message
  readonly topic: string
}

function spyDispatcher(node: string, owners: Map<unknown, string>, calls: SpyCall[]): Dispatcher {
  return (entries, from, message, topic) => {
    const fromLabel = from === null ? 'null' : (owners.get(from) ?? 'unknown')
    calls.push({ node, metadata: entries.map((e) => e.metadata), from: fromLabel, message, topic })
    for (const e of entries) if (from === null || e.owner !== from) e.handler(message, topic)
  }
}

const customDispatcher: ConformanceCase = {
  name: 'a custom dispatcher receives (entries with metadata, from, message) on every node',
  async run(h) {
    const [first] = h.nodes
    const last = h.nodes[h.nodes.length - 1]
    assert.ok(first && last)
    const calls: SpyCall[] = []
    const owners = new Map<unknown, string>(h.nodes.map((n) => [{ node: n.name }, n.name]))
    const ownerOf = [...owners.keys()]
    h.nodes.forEach((n, i) => {
      n.pubsub.registerDispatcher('conformance-spy', spyDispatcher(n.name, owners, calls))
      h.inbox(n, 'conf:spy', { metadata: { node: n.name }, owner: ownerOf[i] })
    })
    const opts = { dispatcher: 'conformance-spy' }
    await first.pubsub.broadcast('conf:spy', 'b', opts)
    await first.pubsub.broadcastFrom(ownerOf[0], 'conf:spy', 'bf', opts)
    await first.pubsub.directBroadcast(last.name, 'conf:spy', 'd', opts)
    first.pubsub.localBroadcast('conf:spy', 'l', opts)
    await h.flush()
    for (const n of h.nodes) {
      const expected: string[][] = [
        ['b', 'null'],
        ['bf', n === first ? first.name : 'null'],
        ...(n === last ? [['d', 'null']] : []),
        ...(n === first ? [['l', 'null']] : []),
      ]
      const got = calls.filter((c) => c.node === n.name)
      for (const c of got) assert.deepEqual([c.metadata, c.topic], [[{ node: n.name }], 'conf:spy'])
      const summary = got.map((c) => [c.message, c.from]).sort((x, y) => cmp(x[0], y[0]))
      assert.deepEqual(summary, expected, `dispatcher calls on ${n.name}`)
    }
  },
}

/** A payload that exercises the codec: every byte value, views, unicode, tag lookalikes. */
export function tortureMessage(): Message {
  const every = Uint8Array.from({ length: 256 }, (_, i) => i)
  return {
    text: 'héllo wörld · 日本語 · مرحبا · 🌍👩‍👩‍👧 · \u0000\u001f\u007f\u2028\u2029 · \ud800 lone',
    long: 'ü€😀'.repeat(5000),
    bytes: every,
    empty: new Uint8Array(0),
    view: new Uint8Array([9, 9, 1, 2, 3, 9]).subarray(2, 5),
    numbers: [0, 1, -1.5, 1e300, 5e-324, Number.MAX_SAFE_INTEGER, Number.MIN_SAFE_INTEGER],
    nested: {
      list: [null, true, false, '', [new Uint8Array([0, 255])]],
      deep: { a: { b: { c: new Uint8Array([7]) } } },
    },
    $bytes: 'a sibling key, not a tag',
    tagLookalike: { $bytes: 'AAAA' },
    escapeLookalike: { $: { $bytes: 'AAAA' } },
    'ключ 🔑': 'unicode key',
  }
}

const payloads: ConformanceCase = {
  name: 'binary (nested Uint8Array) and unicode payloads round-trip byte-exact',
  async run(h) {
    const [first, ...rest] = h.nodes
    assert.ok(first)
    const inboxes = h.nodes.map((n) => h.inbox(n, 'conf:bin'))
    await first.pubsub.broadcast('conf:bin', tortureMessage())
    await first.pubsub.directBroadcast(first.name, 'conf:bin', tortureMessage())
    for (const n of rest) await n.pubsub.directBroadcast(first.name, 'conf:bin', tortureMessage())
    const atFirst = await inboxes[0]?.waitFor(2 + rest.length)
    for (const m of atFirst ?? []) assert.deepStrictEqual(m, tortureMessage())
    for (const inbox of inboxes.slice(1)) {
      const [m] = await inbox.waitFor(1)
      assert.deepStrictEqual(m, tortureMessage())
    }
  },
}

const COUNT = 200

const order: ConformanceCase = {
  name: `per-sender order holds for ${COUNT} interleaved broadcasts per node and for direct sends`,
  async run(h) {
    const last = h.nodes[h.nodes.length - 1]
    const [first] = h.nodes
    assert.ok(first && last)
    const inboxes = h.nodes.map((n) => h.inbox(n, 'conf:order'))
    const direct = h.inbox(last, 'conf:order-direct')
    const sends: Promise<void>[] = []
    for (let seq = 0; seq < COUNT; seq++) {
      for (const n of h.nodes) sends.push(n.pubsub.broadcast('conf:order', { from: n.name, seq }))
      sends.push(first.pubsub.directBroadcast(last.name, 'conf:order-direct', seq))
    }
    await Promise.all(sends)
    await Promise.all([
      ...inboxes.map((i) => i.waitFor(COUNT * h.nodes.length)),
      direct.waitFor(COUNT),
    ])
    await h.flush()
    const expected = Array.from({ length: COUNT }, (_, i) => i)
    h.nodes.forEach((receiver, r) => {
      const got = (inboxes[r]?.messages ?? []) as { from: string; seq: number }[]
      assert.equal(got.length, COUNT * h.nodes.length, `${receiver.name} got duplicates`)
      for (const sender of h.nodes) {
        const seqs = got.filter((m) => m.from === sender.name).map((m) => m.seq)
        assert.deepEqual(seqs, expected, `order ${sender.name} -> ${receiver.name}`)
      }
    })
    assert.deepEqual(direct.messages, expected, 'direct order')
  },
}

const close: ConformanceCase = {
  name: 'close() stops delivery to the closed node; the others carry on',
  async run(h) {
    const closing = h.nodes[h.nodes.length - 1]
    const live = h.nodes.slice(0, -1)
    assert.ok(closing)
    const inboxes = live.map((n) => h.inbox(n, 'conf:close'))
    h.inbox(closing, 'conf:close')
    await closing.pubsub.close()
    await assert.rejects(closing.pubsub.broadcast('conf:close', 'x'), { code: 'CLOSED' })
    const [sender] = live
    if (sender === undefined) return // single node: nothing left to deliver to
    await sender.pubsub.broadcast('conf:close', 'after')
    await sender.pubsub.directBroadcast(closing.name, 'conf:close', 'direct-after')
    await h.flush(live)
    for (const inbox of inboxes) assert.deepEqual(inbox.messages, ['after'])
    assert.equal(closing.adapter.lateDeliveries, 0, `${closing.name} delivered after close()`)
  },
}

function cmp(a: unknown, b: unknown): number {
  return String(a) < String(b) ? -1 : String(a) > String(b) ? 1 : 0
}

/** Cases about payloads, dispatchers, order and shutdown, in the order they run. */
export const deliveryCases: readonly ConformanceCase[] = [customDispatcher, payloads, order, close]
