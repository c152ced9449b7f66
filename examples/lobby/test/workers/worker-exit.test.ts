// WORKERS=2, one user per worker over WebSocket. A worker that is killed: the primary forks
// a replacement, the user's client reconnects to a live worker, and the dead worker's
// presence leaves the other user's view once the tracker's down period has passed. A worker
// that drains on SIGTERM: its presences leave at once (the down period here is 10 minutes,
// so only its graceful permdown can explain the leave), and it is replaced too.
import assert from 'node:assert/strict'
import { after, describe, it } from 'node:test'
import { waitFor } from '@plume/testkit'
import * as phoenix from '@plume/testkit/phoenix'
import { WebSocket } from 'ws'
import { WorkersLobby } from './support/workers-lobby.js'
import { Viewer, disposeViewers, placeViewer } from './support/viewer.js'

const FAST = { TRACKER_BROADCAST_PERIOD_MS: '200' }

/** Alice and Bob on different workers, seeing each other. */
async function twoUsers(lobby: WorkersLobby) {
  const user = (name: string) => () => new Viewer(phoenix, lobby.url, name, WebSocket)
  const alice = await placeViewer(lobby, 'Alice', [], user('Alice'))
  const bob = await placeViewer(lobby, 'Bob', [alice.node], user('Bob'))
  await bob.viewer.sees({ Alice: 1, Bob: 1 }, 'Bob to see Alice')
  await alice.viewer.sees({ Alice: 1, Bob: 1 }, 'Alice to see Bob')
  const pid = lobby.workers().find((w) => w.node === alice.node)?.pid
  assert.ok(pid, `pid of ${alice.node}`)
  return { alice, bob, pid, oldRef: bob.viewer.refs('Alice')[0] }
}

/** Waits until Bob sees exactly one meta of Alice, and not `oldRef`. */
function bobSeesOnlyANewAlice(bob: Viewer, oldRef: unknown, label: string): Promise<void> {
  return waitFor(
    label,
    () => {
      const refs = bob.refs('Alice')
      return refs.length === 1 && refs[0] !== oldRef
    },
    { timeoutMs: 20_000, describe: () => bob.refs('Alice') },
  )
}

describe('a worker that dies', () => {
  let lobby: WorkersLobby | undefined
  after(async () => {
    await disposeViewers()
    await lobby?.stop('SIGTERM')
  })

  it('is replaced; its users reconnect and its presences leave after the down period', async () => {
    lobby = await WorkersLobby.start(2, { ...FAST, TRACKER_DOWN_PERIOD_MS: '2000' })
    const { alice, bob, pid, oldRef } = await twoUsers(lobby)
    process.kill(pid, 'SIGKILL')
    await lobby.waitForOutput(/exited \(SIGKILL\); starting a replacement/, 'a replacement')
    await waitFor('Alice to rejoin', () => alice.viewer.joins >= 2, { timeoutMs: 20_000 })
    await bobSeesOnlyANewAlice(bob.viewer, oldRef, "Bob to drop the dead worker's Alice")
    await lobby.waitForOutput(/worker \d+ is serving again/, 'the replacement to listen')

    // The replacement is a new replica: a user on it sees, and is seen by, the others.
    const replacement = lobby.workers().at(-1)?.node ?? ''
    const others = lobby
      .workers()
      .map((w) => w.node)
      .filter((n) => n !== replacement)
    const dan = await placeViewer(lobby, 'Dan', others, () => {
      return new Viewer(phoenix, lobby!.url, 'Dan', WebSocket)
    })
    assert.equal(dan.node, replacement)
    await dan.viewer.sees({ Alice: 1, Bob: 1, Dan: 1 }, 'Dan on the replacement to see everyone')
    await bob.viewer.sees({ Alice: 1, Bob: 1, Dan: 1 }, 'Bob to see Dan')
    await disposeViewers()
    const exit = await lobby.stop('SIGTERM')
    assert.deepEqual(exit, { code: 0, signal: null }, 'a recovered crash is not a failed stop')
  })
})

describe('a worker that drains on SIGTERM', () => {
  let lobby: WorkersLobby | undefined
  after(async () => {
    await disposeViewers()
    await lobby?.stop('SIGTERM')
  })

  it('takes its presences away at once and is replaced', async () => {
    lobby = await WorkersLobby.start(2, { ...FAST, TRACKER_DOWN_PERIOD_MS: '600000' })
    const { alice, bob, pid, oldRef } = await twoUsers(lobby)
    process.kill(pid, 'SIGTERM')
    await lobby.waitForOutput(/exited \(code 0\); starting a replacement/, 'a drained exit')
    await bobSeesOnlyANewAlice(bob.viewer, oldRef, "Bob to drop the drained worker's Alice")
    assert.ok(alice.viewer.joins >= 2, 'Alice rejoined on a live worker')
  })
})
