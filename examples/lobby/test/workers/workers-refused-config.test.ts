// A configuration the lobby cannot use stops `WORKERS=N npm start` with exit code 2 and the
// reason, as it stops a single node: a bad WORKERS in the primary, a bad PUBSUB_URL in the
// workers (the primary does not fork replacements that would refuse it again).
import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import { within } from '@plume/testkit'
import { WorkersLobby } from './support/workers-lobby.js'

describe('WORKERS=N with an unusable configuration', () => {
  it('exits 2 naming WORKERS when it is not a count', async () => {
    const lobby = WorkersLobby.spawn('many')
    const exit = await within(lobby.exited, 'the primary to exit', 30_000)
    assert.deepEqual(exit, { code: 2, signal: null }, lobby.output)
    assert.match(lobby.output, /WORKERS must be auto or an integer/)
  })

  it('exits 2 when the workers refuse PUBSUB_URL, without restarting them', async () => {
    const lobby = WorkersLobby.spawn('2', { PUBSUB_URL: 'ftp://example' })
    const exit = await within(lobby.exited, 'the primary to exit', 60_000)
    assert.deepEqual(exit, { code: 2, signal: null }, lobby.output)
    assert.match(lobby.output, /PUBSUB_URL must start with redis/)
    assert.doesNotMatch(lobby.output, /starting a replacement/)
  })
})
