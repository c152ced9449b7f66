// The seed's scenario with the official phoenix.js client against the lobby over WebSocket:
// per-user counts, closing sockets, a late joiner's full state, and, on a test channel on the
// same endpoint and Presence, update as one leave+join diff and a crashed channel's leave.
import assert from 'node:assert/strict'
import { after, before, describe, it } from 'node:test'
import { noReply, ok, reply, type ChannelHandler } from '@plume/server'
import { waitFor } from '@plume/testkit'
import { Client, startLobby, waitForCounts, type LobbyNode } from './lobby-support.js'

let node: LobbyNode
const clients: Client[] = []

function client(user: string, topic?: string, path?: string): Client {
  const c = new Client(node.url, user, topic, path)
  clients.push(c)
  return c
}

/** A channel on the lobby's Presence that can update its meta and crash on demand. */
function testChannel(n: LobbyNode): ChannelHandler<{ user_id: string }> {
  const { presence } = n.lobby
  return {
    join(_topic, _params, ch) {
      ch.send('after_join')
      return ok()
    },
    async handleInfo(_message, ch) {
      ch.push('presence_state', await presence.list(ch))
      presence.track(ch, ch.assigns.user_id, { status: 'online' })
      return noReply()
    },
    handleIn(event, payload, ch) {
      if (event !== 'update') throw new Error(`test channel crashes on ${event}`)
      return reply('ok', {
        ref: presence.update(ch, ch.assigns.user_id, payload as Record<string, unknown>),
      })
    },
  }
}

before(async () => {
  node = await startLobby()
  node.lobby.endpoint.socket('/test', {
    connect: (params) => ({ user_id: params['user_id'] ?? 'anon' }),
    channels: [['test:*', testChannel(node)]],
  })
})

after(async () => {
  await Promise.all(clients.map((c) => c.dispose()))
  await node.lobby.close()
})

describe('lobby with the official phoenix client', () => {
  it('counts connections per user, drops them on close and removes a user entirely', async () => {
    const alice1 = client('Alice')
    const alice2 = client('Alice')
    const bob = client('Bob')
    for (const [c, who] of [
      [alice1, 'alice1'],
      [alice2, 'alice2'],
      [bob, 'bob'],
    ] as const) {
      await waitForCounts(c, { Alice: 2, Bob: 1 }, `${who} to see Alice x2 and Bob`)
    }

    const late = client('Carol')
    await waitFor('the late joiner to get presence_state', () => late.states.length > 0)
    const state = late.states[0]!
    assert.deepEqual(
      Object.fromEntries(
        Object.entries(state).map(([k, v]) => [k, (v as { metas: unknown[] }).metas.length]),
      ),
      { Alice: 2, Bob: 1 },
      'presence_state holds everyone present before the join',
    )
    await waitForCounts(late, { Alice: 2, Bob: 1, Carol: 1 }, 'the late joiner to see everyone')

    await alice1.close()
    await waitForCounts(bob, { Alice: 1, Bob: 1, Carol: 1 }, 'Alice down to one connection')
    assert.deepEqual(
      { ...bob.leaves.at(-1), refs: undefined },
      { key: 'Alice', currentMetas: 1, leftMetas: 1, refs: undefined },
    )

    await alice2.close()
    await waitForCounts(bob, { Bob: 1, Carol: 1 }, 'Alice gone')
    await waitForCounts(late, { Bob: 1, Carol: 1 }, 'Alice gone for Carol too')
    assert.deepEqual(
      { ...bob.leaves.at(-1), refs: undefined },
      { key: 'Alice', currentMetas: 0, leftMetas: 1, refs: undefined },
      'onLeave with no metas left',
    )
  })

  it('delivers update as one diff with the leave, the join and phx_ref_prev', async () => {
    const dave = client('Dave', 'test:room', '/test')
    const watcher = client('Watcher', 'test:room', '/test')
    await waitForCounts(watcher, { Dave: 1, Watcher: 1 }, 'watcher to see Dave')
    const daveEntry = watcher.presence
      .list((key, p) => (key === 'Dave' ? p : undefined))
      .find(Boolean)
    const oldRef = daveEntry?.metas[0]?.['phx_ref']
    const daveRef = await new Promise<string>((resolve, reject) => {
      dave.channel
        .push('update', { status: 'away' })
        .receive('ok', (r: { ref: string }) => resolve(r.ref))
        .receive('error', reject)
    })
    await waitFor('the update diff', () => watcher.diffs.some((d) => 'Dave' in d.leaves))
    const diff = watcher.diffs.find((d) => 'Dave' in d.leaves)!
    assert.equal(
      watcher.diffs.filter((d) => 'Dave' in d.leaves).length,
      1,
      'one diff carries the update',
    )
    assert.equal(typeof oldRef, 'string')
    assert.deepEqual(diff.joins, {
      Dave: { metas: [{ status: 'away', phx_ref: daveRef, phx_ref_prev: oldRef }] },
    })
    assert.deepEqual(diff.leaves, { Dave: { metas: [{ status: 'online', phx_ref: oldRef }] } })
    await waitFor('the client to hold only the new meta', () => {
      const metas = watcher.presence.list((k, p) => (k === 'Dave' ? p.metas : [])).flat()
      return metas.length === 1 && metas[0]?.['status'] === 'away'
    })
  })

  it("removes a crashed channel's presence", async () => {
    const eve = client('Eve', 'test:room', '/test')
    const watcher = client('Watcher2', 'test:room', '/test')
    await waitFor('watcher to see Eve', () => watcher.counts()['Eve'] === 1, {
      describe: () => watcher.counts(),
    })
    let errored = false
    eve.channel.onError(() => (errored = true))
    eve.channel.push('crash', {}, 200) // never replied to: a short timeout frees its timer
    // Checked on the onLeave log: the phoenix client rejoins right after, and Eve returns.
    await waitFor('Eve to leave after the crash', () =>
      watcher.leaves.some((l) => l.key === 'Eve' && l.currentMetas === 0),
    )
    await waitFor('Eve to see the channel error', () => errored)
  })
})
