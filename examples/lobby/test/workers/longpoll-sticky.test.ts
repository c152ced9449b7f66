// WORKERS=3: long-poll sessions of the official phoenix.js client and of @plume/client work
// although every one of their requests opens a new connection that node:cluster's
// round-robin may give to any worker: requests bearing another worker's token are
// forwarded to it, and each client keeps one session (one token) throughout. A WebSocket
// user on the same lobby sees both, so presence crosses workers through the cluster adapter.
import assert from 'node:assert/strict'
import { after, before, describe, it } from 'node:test'
import * as plume from '@plume/client'
import * as phoenix from '@plume/testkit/phoenix'
import { WebSocket } from 'ws'
import { WorkersLobby } from './support/workers-lobby.js'
import { installFreshFetch, tokensSent } from './support/fresh-fetch.js'
import { Viewer, disposeViewers } from './support/viewer.js'

const FORWARDED = /plume sticky: long-poll request forwarded/

describe('long-poll across 3 workers', () => {
  let lobby: WorkersLobby
  let restoreFetch: () => void

  before(async () => {
    lobby = await WorkersLobby.start(3)
    restoreFetch = installFreshFetch()
  })
  after(async () => {
    await disposeViewers()
    restoreFetch()
    const exit = await lobby.stop('SIGTERM')
    assert.deepEqual(exit, { code: 0, signal: null }, lobby.output)
  })

  it('keeps each session on its worker for phoenix.js and @plume/client', async () => {
    const carol = new Viewer(phoenix, lobby.url, 'Carol', WebSocket)
    const alice = new Viewer(phoenix, lobby.url, 'Alice', phoenix.LongPoll)
    const bob = new Viewer(plume, lobby.url, 'Bob', plume.LongPoll)
    const everyone = { Alice: 1, Bob: 1, Carol: 1 }
    for (const [v, name] of [
      [carol, 'Carol'],
      [alice, 'Alice'],
      [bob, 'Bob'],
    ] as const) {
      await v.sees(everyone, `${name} to see everyone`)
    }

    await alice.dispose() // phx_leave is a POST of Alice's session
    await carol.sees({ Bob: 1, Carol: 1 }, 'Carol to see Alice leave')
    await bob.sees({ Bob: 1, Carol: 1 }, 'Bob to see Alice leave')

    const tokens = new Set(tokensSent.filter((t) => t !== ''))
    assert.equal(tokens.size, 2, `one session per long-poll client, got ${[...tokens].join(' ')}`)
    for (const token of tokens) assert.match(token, /^w\d+\./)
    assert.equal(alice.joins + bob.joins, 2, 'no client had to rejoin')
    assert.ok(lobby.count(FORWARDED) > 0, 'some requests reached a worker not holding the session')
  })
})
