// "@plume/pubsub/testing": the adapter conformance suite. Every adapter package runs it from
// its own tests (docs/writing-an-adapter.md). Cases go through real PubSub instances, await
// deliveries with bounded timeouts and prove absences with a flush barrier, never with sleeps.

import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import type { Adapter } from '../types.js'
import { deliveryCases } from './cases-delivery.js'
import { routingCases, type ConformanceCase } from './cases-routing.js'
import { Harness } from './harness.js'

export { Inbox } from './inbox.js'
export { tortureMessage } from './cases-delivery.js'

/** Three adapters of one cluster, plus how to release what was created for them. */
export interface ConformanceCluster {
  /** Three adapters with distinct node names, not yet started. */
  adapters: [Adapter, Adapter, Adapter]
  /** Releases what `makeCluster` created besides the adapters (PubSub closes those). */
  teardown(): Promise<void>
  /** Waits until nothing is in flight (e.g. MemoryBus.settle); called before teardown. */
  settle?(): Promise<void>
}

/** One adapter of a single-node setup (e.g. LocalAdapter). */
export interface ConformanceNode {
  /** The adapter, not yet started. */
  adapter: Adapter
  /** Releases what `makeNode` created besides the adapter. */
  teardown(): Promise<void>
  /** Waits until nothing is in flight; called before teardown. */
  settle?(): Promise<void>
}

/** Options of the conformance runners. */
export interface ConformanceOptions {
  /** How long one awaited delivery may take before the case fails. @default 5000 */
  timeoutMs?: number
}

const allCases: readonly ConformanceCase[] = [...routingCases, ...deliveryCases]

/**
 * Registers node:test cases checking a multi-node adapter through three PubSub instances.
 * `makeCluster` is called once per case and must return fresh, unstarted adapters.
 * @example
 * runAdapterConformance('MemoryBus', async () => {
 *   const bus = new MemoryBus()
 *   return { adapters: [bus.adapter('a'), bus.adapter('b'), bus.adapter('c')],
 *            teardown: async () => {}, settle: () => bus.settle() }
 * })
 */
export function runAdapterConformance(
  name: string,
  makeCluster: () => Promise<ConformanceCluster>,
  options: ConformanceOptions = {},
): void {
  void describe(`${name}: adapter conformance (3 nodes)`, () => {
    for (const c of allCases) void it(c.name, () => runCase(makeCluster, c, options))
  })
}

/**
 * Registers the same cases for an adapter that only ever has one node (LocalAdapter, or a
 * broker adapter run alone): remote checks degenerate to "nothing echoes back to the sender".
 */
export function runSingleNodeConformance(
  name: string,
  makeNode: () => Promise<ConformanceNode>,
  options: ConformanceOptions = {},
): void {
  const asCluster = async (): Promise<Setup> => {
    const node = await makeNode()
    return {
      adapters: [node.adapter],
      teardown: () => node.teardown(),
      settle: async () => node.settle?.(),
    }
  }
  void describe(`${name}: adapter conformance (1 node)`, () => {
    for (const c of allCases) void it(c.name, () => runCase(asCluster, c, options))
  })
}

interface Setup {
  adapters: readonly Adapter[]
  teardown: () => Promise<void>
  settle?: (() => Promise<void>) | undefined
}

async function runCase(
  make: () => Promise<Setup>,
  c: ConformanceCase,
  options: ConformanceOptions,
): Promise<void> {
  const setup = await make()
  const h = new Harness(setup.adapters, options.timeoutMs ?? 5000)
  try {
    await Promise.all(h.nodes.map((n) => n.pubsub.start()))
    await c.run(h)
    assert.deepEqual(h.errors, [], 'PubSub logged errors during the case')
  } finally {
    await setup.settle?.()
    await Promise.allSettled(h.nodes.map((n) => n.pubsub.close()))
    await setup.teardown()
  }
  for (const n of h.nodes) {
    assert.equal(n.adapter.lateDeliveries, 0, `${n.name} delivered a message after close()`)
  }
}
