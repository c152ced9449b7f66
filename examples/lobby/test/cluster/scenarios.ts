// The cluster scenarios of issue 5, run once per broker (redis.test.ts, nats.test.ts): three
// lobby node processes on a private broker, real WebSocket clients, real faults (kill -9,
// SIGTERM, broker outages). Steps share one cluster and run in order; each restores what
// it broke. Measured timings are printed as test diagnostics.
import { after, afterEach, before, describe, it } from 'node:test'
import assert from 'node:assert/strict'
import { elapsed, waitFor, type BrokerKind } from '@plume/testkit'
import { Cluster, PERIODS } from './support/cluster.js'
import { LobbyNode } from './support/lobby-node.js'
import type { LobbyClient } from './support/watcher.js'

const { down, broadcast } = PERIODS
/** Slack for scheduling on a loaded 2-core machine. */
const SLACK = 1000
/** Timestamps are taken in the test process: allow for the WebSocket hop from node to client. */
const TOLERANCE = 100

/** Registers the whole scenario list for one broker kind. */
export function clusterScenarios(kind: BrokerKind): void {
  describe(`lobby cluster over ${kind}`, { timeout: 150_000 }, () => {
    // Unassigned when start() fails; the hooks below must then not throw over the real error.
    let cluster: Cluster
    const watchers = new Map<string, LobbyClient>()
    const watcher = (name: string): LobbyClient => {
      const w = watchers.get(name)
      if (w === undefined) throw new Error(`no watcher on ${name}`)
      return w
    }
    const peers = (): LobbyClient[] => [watcher('a'), watcher('b')]

    before(async () => {
      cluster = await Cluster.start(kind, ['a', 'b', 'c'])
    })
    // Clients a step adds are closed after it, also when it fails, so later steps start clean.
    afterEach(async () => {
      await cluster?.dropAllExcept([...watchers.values()])
    })
    after(async () => {
      await cluster?.teardown()
    })

    it('replicates presence: a user on any node is seen on every node', async () => {
      for (const name of ['a', 'b', 'c']) watchers.set(name, await cluster.client(name, `${name}1`))
      await cluster.converge([...watchers.values()], ['a1', 'b1', 'c1'], 5000)
    })

    // The last replication message peers get from c is the one carrying a join on c, so the
    // down period is measured from the moment the peers' clients saw that join.
    async function joinLast(user: string): Promise<Map<LobbyClient, number>> {
      const since = performance.now()
      const client = await cluster.client('c', user)
      await waitFor(`${user} on a and b`, () => peers().every((w) => w.has(user)), {
        timeoutMs: 5000,
      })
      return new Map([client, ...peers()].map((w) => [w, w.joinedAt(user, since) ?? NaN]))
    }

    it('kill -9: peers show the node’s users leaving after the down period, not before', async (t) => {
      const seen = await joinLast('c-last')
      const killedAt = performance.now()
      await cluster.node('c').stop('SIGKILL')
      await cluster.drop(watcher('c'))
      watchers.delete('c')
      await cluster.converge(peers(), ['a1', 'b1'], down + SLACK + 2000)
      for (const w of peers()) {
        const left = w.leftAt('c1', killedAt) ?? Infinity
        const ms = Math.round(left - killedAt)
        const silent = Math.round(left - (seen.get(w) ?? NaN))
        t.diagnostic(
          `${kind}: kill -9 -> leave of c1 on ${w.user}'s node: ${ms} ms (${silent} ms after c's last message)`,
        )
        assert.ok(
          silent >= down - TOLERANCE,
          `c1 left ${silent} ms after c fell silent, before the down period`,
        )
        assert.ok(
          ms <= down + broadcast + SLACK,
          `c1 left ${ms} ms after the kill, long after the down period`,
        )
      }
    })

    it('restart (same name, new vsn): the old incarnation’s users leave at once', async (t) => {
      await cluster.startNode('c')
      const seen = await joinLast('c2')
      const [oldRef] = watcher('a').refs('c2')
      assert.ok(oldRef !== undefined)
      const killedAt = performance.now()
      await cluster.node('c').stop('SIGKILL')
      const { refused } = await cluster.restartNode('c', 10_000)
      const restartedIn = elapsed(killedAt)
      const c3 = await cluster.client('c', 'c3')
      watchers.set('c', c3)
      await cluster.converge([...peers(), c3], ['a1', 'b1', 'c3'], 5000)
      t.diagnostic(`${kind}: restart of c took ${restartedIn} ms (${refused} refused starts)`)
      for (const w of peers()) {
        const left = w.leftAt('c2', killedAt, oldRef) ?? Infinity
        const silent = Math.round(left - (seen.get(w) ?? NaN))
        t.diagnostic(
          `${kind}: old c2 left ${w.user}'s node ${Math.round(left - killedAt)} ms after the kill`,
        )
        assert.ok(
          silent < down - TOLERANCE,
          `old c2 left after ${silent} ms: it waited for the down period`,
        )
      }
    })

    it('broker outage longer than the down period: nothing lost, no ghosts', async (t) => {
      const ghost = await cluster.client('b', 'b-ghost')
      const everyone = () => [...watchers.values()]
      await cluster.converge(everyone(), ['a1', 'b-ghost', 'b1', 'c3'], 5000)
      const downAt = performance.now()
      await cluster.broker.kill()
      // Each node now shows only its own users: the outage has outlasted the down period.
      await waitFor(
        'each node to see only its own users',
        () =>
          watcher('a').users().join() === 'a1' &&
          watcher('b').users().join() === 'b-ghost,b1' &&
          watcher('c').users().join() === 'c3',
        { timeoutMs: down + SLACK + 2000 },
      )
      await cluster.drop(ghost)
      const late = await cluster.client('a', 'a-late')
      await cluster.broker.restart()
      const healAt = performance.now()
      const all = [...everyone(), late]
      await cluster.converge(all, ['a-late', 'a1', 'b1', 'c3'], 20_000)
      t.diagnostic(
        `${kind}: outage ${Math.round(healAt - downAt)} ms, healed ${elapsed(healAt)} ms after the broker came back`,
      )
      for (const w of all)
        for (const user of w.users())
          assert.equal(w.refs(user).length, 1, `${user} on ${w.user}'s node`)
      await cluster.drop(late)
    })

    it('broker blip shorter than the down period: no leave/join flapping', async (t) => {
      await cluster.converge([...watchers.values()], ['a1', 'b1', 'c3'], 5000)
      const since = performance.now()
      await cluster.broker.kill()
      await cluster.broker.restart()
      const blip = elapsed(since)
      // New users on every node, seen by every node: replication flows both ways between
      // every pair again, so any down the blip caused would already have been reported.
      const fresh = await Promise.all(['a', 'b', 'c'].map((n) => cluster.client(n, `${n}-after`)))
      const all = [...watchers.values(), ...fresh]
      await cluster.converge(all, ['a-after', 'a1', 'b-after', 'b1', 'c-after', 'c3'], down)
      t.diagnostic(
        `${kind}: blip of ${blip} ms, replication back ${elapsed(since)} ms after it began`,
      )
      for (const w of watchers.values())
        assert.deepEqual(w.leavesSince(since), [], `leaves seen by ${w.user}`)
    })

    it('SIGTERM: drained clients get 1012 and move on; peers see the leave within 1 s; exit 0', async (t) => {
      const roamer = await cluster.roamingClient(['c', 'a', 'b'], 'roamer')
      await cluster.converge([...peers(), roamer], ['a1', 'b1', 'c3', 'roamer'], 5000)
      const [oldRef] = watcher('a').refs('roamer')
      const node = cluster.node('c')
      const termAt = performance.now()
      const exit = await node.stop('SIGTERM')
      const exitMs = elapsed(termAt)
      await waitFor(
        'c3 to leave on a and b',
        () => peers().every((w) => w.leftAt('c3', termAt) !== undefined),
        { timeoutMs: 1000 },
      )
      for (const w of peers()) {
        const ms = Math.round((w.leftAt('c3', termAt) ?? Infinity) - termAt)
        t.diagnostic(`${kind}: SIGTERM -> leave of c3 on ${w.user}'s node: ${ms} ms`)
        assert.ok(ms <= 1000)
      }
      t.diagnostic(`${kind}: SIGTERM -> process exit: ${exitMs} ms`)
      assert.deepEqual(exit, { code: 0, signal: null }, node.output())
      assert.doesNotMatch(node.stderr, /keep the process alive/)
      assert.equal(watcher('c').closeCodes[0], 1012)
      assert.equal(roamer.closeCodes[0], 1012)
      await cluster.drop(watcher('c'))
      watchers.delete('c')
      // The roamer reconnected to a (next URL) and is present again under a new ref.
      await cluster.converge([...peers(), roamer], ['a1', 'b1', 'roamer'], 5000)
      for (const w of peers()) assert.notDeepEqual(w.refs('roamer'), [oldRef])
      assert.ok(roamer.joins >= 2, 'the roamer rejoined')
    })

    it('SIGTERM with PERMDOWN_ON_SHUTDOWN=false: peers wait for the down period', async (t) => {
      await cluster.startNode('c', { PERMDOWN_ON_SHUTDOWN: 'false' })
      const seen = await joinLast('c4')
      const termAt = performance.now()
      const node = cluster.node('c')
      const exit = await node.stop('SIGTERM')
      assert.deepEqual(exit, { code: 0, signal: null }, node.output())
      await cluster.converge(peers(), ['a1', 'b1'], down + SLACK + 2000)
      for (const w of peers()) {
        const left = w.leftAt('c4', termAt) ?? Infinity
        const silent = Math.round(left - (seen.get(w) ?? NaN))
        t.diagnostic(
          `${kind}: SIGTERM without permdown -> leave of c4 on ${w.user}'s node: ${Math.round(left - termAt)} ms`,
        )
        assert.ok(
          silent >= down - TOLERANCE,
          `c4 left ${silent} ms after c fell silent, before the down period`,
        )
      }
    })

    it('a second node with a taken name refuses to start with a clear message', async () => {
      const twin = LobbyNode.spawn('a', { PUBSUB_URL: cluster.broker.url })
      const exit = await twin.exited
      assert.notEqual(exit.code, 0)
      assert.match(twin.stderr, /failed to start: .*node name "a" is .*(used|claimed)/)
      assert.ok(cluster.node('a').running, 'the live node a is unaffected')
      const probe = await cluster.client('b', 'probe')
      await cluster.converge([watcher('a'), probe], ['a1', 'b1', 'probe'], 5000)
    })
  })
}
