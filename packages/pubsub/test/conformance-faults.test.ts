// The conformance suite must be able to fail: each case is run against a MemoryBus cluster
// with one deliberate fault and has to reject, while a healthy cluster passes the same case.

import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import { MemoryBus, type Adapter, type RemoteMessage } from '@plume/pubsub'
import { deliveryCases } from '../src/testing/cases-delivery.js'
import { routingCases, type ConformanceCase } from '../src/testing/cases-routing.js'
import { Harness } from '../src/testing/harness.js'

type Deliver = (msg: RemoteMessage) => void

/** A MemoryBus adapter with some members replaced, to plant one fault. */
function faulty(inner: Adapter, patch: (inner: Adapter) => Partial<Adapter>): Adapter {
  const base: Adapter = {
    nodeName: inner.nodeName,
    start: (deliver) => inner.start(deliver),
    broadcast: (msg) => inner.broadcast(msg),
    directBroadcast: (node, msg) => inner.directBroadcast(node, msg),
    close: () => inner.close(),
  }
  return { ...base, ...patch(inner) }
}

type Fault = (inner: Adapter, bus: MemoryBus) => Partial<Adapter>

async function runCase(
  name: string,
  fault?: Fault,
  tune?: (bus: MemoryBus) => void,
): Promise<void> {
  const c = [...routingCases, ...deliveryCases].find((x) => x.name.startsWith(name))
  assert.ok(c, `no case ${name}`)
  const bus = new MemoryBus()
  tune?.(bus)
  const adapters = ['a', 'b', 'c'].map((n) => {
    const inner = bus.adapter(n)
    return fault ? faulty(inner, (i) => fault(i, bus)) : inner
  })
  await runOn(c, new Harness(adapters, 300))
}

async function runOn(c: ConformanceCase, h: Harness): Promise<void> {
  try {
    await Promise.all(h.nodes.map((n) => n.pubsub.start()))
    await c.run(h)
    assert.deepEqual(h.errors, [])
  } finally {
    await Promise.allSettled(h.nodes.map((n) => n.pubsub.close()))
  }
}

/** Wraps start() so the fault can see and alter every delivery. */
const onDeliver =
  (wrap: (deliver: Deliver) => Deliver): Fault =>
  (inner) => ({ start: (deliver) => inner.start(wrap(deliver)) })

/** Hands every broadcast to the sender's own deliver callback too. */
const echo: Fault = (inner) => {
  let self: Deliver = () => {}
  return {
    start: (deliver) => {
      self = deliver
      return inner.start(deliver)
    },
    broadcast: async (m) => {
      await inner.broadcast(m)
      queueMicrotask(() => self(m))
    },
  }
}

/** Delivers each sender's messages of the order case in swapped pairs. */
const swapPairs = onDeliver((deliver) => {
  const held = new Map<unknown, RemoteMessage>()
  return (m) => {
    const sender = (m.message as { from?: unknown } | null)?.from
    if (m.topic !== 'conf:order') return deliver(m)
    const first = held.get(sender)
    if (first === undefined) {
      held.set(sender, m)
      return
    }
    held.delete(sender)
    deliver(m)
    deliver(first)
  }
})

const rejectUnknown: Fault = (inner, bus) => ({
  directBroadcast: async (node, m) => {
    if (!bus.nodes.includes(node)) throw new Error('no such node')
    await inner.directBroadcast(node, m)
  },
})

const plainJson = onDeliver((deliver) => (m) => {
  deliver({ ...m, message: JSON.parse(JSON.stringify(m.message)) as unknown })
})

const faults: [string, string, Fault | undefined, ((bus: MemoryBus) => void)?][] = [
  ['broadcast reaches', 'echoes broadcasts back to the sender', echo],
  ['broadcast reaches', 'duplicates deliveries', undefined, (bus) => (bus.duplicate = () => true)],
  [
    'broadcast reaches',
    'loses deliveries to one node',
    undefined,
    (bus) => (bus.drop = (d) => d.to === 'c'),
  ],
  [
    'directBroadcast reaches',
    'sends direct messages to everyone',
    (i) => ({ directBroadcast: (_n, m) => i.broadcast(m) }),
  ],
  ['directBroadcast to an unknown', 'rejects unknown nodes', rejectUnknown],
  [
    'a custom dispatcher',
    'drops the dispatcher name',
    (i) => ({ broadcast: (m) => i.broadcast({ ...m, dispatcher: 'default' }) }),
  ],
  ['binary', 'carries messages through plain JSON', plainJson],
  ['per-sender order', 'swaps pairs of ordered messages', swapPairs],
  ['close()', 'keeps delivering after close', () => ({ close: async () => {} })],
]

describe('the conformance suite detects faulty adapters', () => {
  for (const [name, what, fault, tune] of faults) {
    it(`"${name}…" passes on a healthy cluster and fails when the adapter ${what}`, async () => {
      await runCase(name)
      await assert.rejects(runCase(name, fault, tune))
    })
  }
})
