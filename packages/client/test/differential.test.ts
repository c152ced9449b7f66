// Differential test: the same scenario, run once with @plume/client and once with the
// official `phoenix` npm client against our server, must produce identical transcripts
// (replies, events, presence lists) over WebSocket and over long-poll.
import assert from 'node:assert/strict'
import { after, before, describe, it } from 'node:test'
import * as phoenix from '@plume/testkit/phoenix'
import { WebSocket } from 'ws'
import * as plume from '@plume/client'
import { runScenario, type ClientImpl } from './support/scenario.js'
import { startServer, type TestServer } from './support/server.js'

const official: ClientImpl = { Socket: phoenix.Socket, Presence: phoenix.Presence }
const ours: ClientImpl = { Socket: plume.Socket, Presence: plume.Presence }

describe('differential: @plume/client vs phoenix.js', () => {
  let server: TestServer
  before(async () => (server = await startServer()))
  after(() => server.close())

  it('WebSocket transcripts are identical', async () => {
    const theirs = await runScenario(
      official,
      server.base,
      { transport: WebSocket },
      server.endpoint,
    )
    const mine = await runScenario(ours, server.base, { transport: WebSocket }, server.endpoint)
    assert.ok(theirs.alice.length >= 10, 'the scenario recorded something')
    assert.deepEqual(mine, theirs)
  })

  it('long-poll transcripts are identical', async () => {
    const theirs = await runScenario(
      official,
      server.base,
      { transport: phoenix.LongPoll },
      server.endpoint,
    )
    const mine = await runScenario(
      ours,
      server.base,
      { transport: plume.LongPoll },
      server.endpoint,
    )
    assert.deepEqual(mine, theirs)
  })
})
