// Three lobby nodes in one process over a MemoryBus, real timers with short tracker periods,
// official phoenix.js clients on each node: everyone sees everyone; a partition makes the
// other side leave after the down period and heal brings it back; a node restarted under
// the same name replaces its old presences on peers at once, long before the down period.
import assert from 'node:assert/strict'
import { afterEach, beforeEach, describe, it } from 'node:test'
import { MemoryBus, PubSub, silentLogger } from '@plume/pubsub'
import { waitFor } from '@plume/testkit'
import { Client, startLobby, waitForCounts, type LobbyNode } from './lobby-support.js'

interface Periods {
  broadcastPeriod: number
  downPeriod: number
  permdownPeriod: number
}

const FAST: Periods = { broadcastPeriod: 50, downPeriod: 300, permdownPeriod: 3000 }
const EVERYONE = { Alice: 1, Bob: 1, Carol: 1 }

describe('lobby cluster over a MemoryBus', () => {
  let bus: MemoryBus
  let nodes: Map<string, LobbyNode>
  let clients: Client[]

  async function start(name: string, periods: Periods): Promise<LobbyNode> {
    const pubsub = new PubSub({ adapter: bus.adapter(name), logger: silentLogger })
    const node = await startLobby({ pubsub, ...periods })
    nodes.set(name, node)
    return node
  }

  function client(node: string, user: string): Client {
    const c = new Client(nodes.get(node)!.url, user)
    clients.push(c)
    return c
  }

  /** Alice on a, Bob on b, Carol on c, each seeing all three. */
  async function threeNodes(
    periods: Periods,
  ): Promise<{ alice: Client; bob: Client; carol: Client }> {
    for (const name of ['a', 'b', 'c']) await start(name, periods)
    const users = {
      alice: client('a', 'Alice'),
      bob: client('b', 'Bob'),
      carol: client('c', 'Carol'),
    }
    for (const [who, c] of Object.entries(users))
      await waitForCounts(c, EVERYONE, `${who} to see all nodes' users`)
    return users
  }

  beforeEach(() => {
    bus = new MemoryBus({ logger: silentLogger })
    nodes = new Map()
    clients = []
  })

  afterEach(async () => {
    await Promise.all(clients.map((c) => c.dispose()))
    for (const node of nodes.values()) await node.lobby.close()
  })

  it('every client sees the users of every node, and leaves anywhere reach everyone', async () => {
    const { alice, bob, carol } = await threeNodes(FAST)
    const bob2 = client('c', 'Bob')
    for (const c of [alice, bob, carol])
      await waitForCounts(c, { ...EVERYONE, Bob: 2 }, 'Bob x2 everywhere')
    await bob.dispose()
    for (const c of [alice, carol, bob2])
      await waitForCounts(c, EVERYONE, 'Bob back to one everywhere')
  })

  it('a partition drops the other side after the down period; heal brings it back', async () => {
    const { alice, bob, carol } = await threeNodes(FAST)
    const cut = Date.now()
    bus.partition(['a'], ['b', 'c'])
    await waitForCounts(alice, { Alice: 1 }, 'Alice alone on her side')
    await waitForCounts(bob, { Bob: 1, Carol: 1 }, 'Bob and Carol on theirs')
    await waitForCounts(carol, { Bob: 1, Carol: 1 }, 'Carol sees Bob only')
    const waited = Date.now() - cut
    assert.ok(
      waited >= FAST.downPeriod - 2 * FAST.broadcastPeriod,
      `peers left after ${waited} ms, before the down period`,
    )
    bus.heal()
    for (const c of [alice, bob, carol])
      await waitForCounts(c, EVERYONE, 'everyone again after heal')
  })

  it('a node restarted under the same name replaces its old presences on peers at once', async () => {
    const slowDown: Periods = { broadcastPeriod: 50, downPeriod: 4000, permdownPeriod: 8000 }
    const { alice, bob, carol } = await threeNodes(slowDown)
    const [oldRef] = alice.refs('Bob')
    const old = nodes.get('b')!
    // A crash: the tracker stops without telling anyone, then the node goes away.
    await old.lobby.presence.stop()
    await old.lobby.close()
    nodes.delete('b')
    await bob.close()
    const restarted = Date.now()
    await start('b', slowDown)
    const newBob = client('b', 'Bob')
    await waitForCounts(newBob, EVERYONE, 'the new Bob to see everyone')
    for (const c of [alice, carol]) {
      await waitFor(
        'the old Bob replaced by the new one',
        () => {
          const refs = c.refs('Bob')
          return refs.length === 1 && refs[0] !== oldRef
        },
        { describe: () => c.refs('Bob') },
      )
      assert.ok(
        c.leaves.some((l) => l.key === 'Bob' && l.refs.includes(oldRef)),
        'the old presence left',
      )
    }
    const waited = Date.now() - restarted
    assert.ok(
      waited < slowDown.downPeriod / 2,
      `took ${waited} ms: the down period, not the restart, removed it`,
    )
  })
})
