// Review regression: close() called while listen() is still starting must win. The server
// must not start listening afterwards (it would hold the process open on a closed endpoint);
// listen() rejects with CLOSED instead.

import assert from 'node:assert/strict'
import { it } from 'node:test'
import { within } from '@plume/testkit'
import { Endpoint, ServerError } from '@plume/server'
import { captureLogger } from './helpers.js'

it('listen() racing close() rejects with CLOSED and leaves no listening server', async () => {
  const endpoint = new Endpoint({ logger: captureLogger() })
  endpoint.socket('/socket', { channels: [] })
  const listening = endpoint.listen({ port: 0 })
  const settled = listening.then(
    ({ url }) => ({ url }),
    (error: unknown) => ({ error }),
  )
  await endpoint.close()
  const outcome = await within(settled, 'listen settled')
  if ('url' in outcome) {
    // Reachable means the server listens on a closed endpoint: probe, then fail.
    const reachable = await fetch(outcome.url).then(
      () => true,
      () => false,
    )
    assert.fail(`listen resolved after close (server reachable: ${reachable})`)
  }
  assert.ok(outcome.error instanceof ServerError)
  assert.equal(outcome.error.code, 'CLOSED')
})

it('close() landing while the server is binding also rejects listen() with CLOSED', async () => {
  const endpoint = new Endpoint({ logger: captureLogger() })
  endpoint.socket('/socket', { channels: [] })
  const listening = endpoint.listen({ port: 0 })
  const settled = listening.then(
    () => 'resolved',
    (error: unknown) => (error instanceof ServerError ? error.code : 'other error'),
  )
  // listen() awaits the same start() promise; its continuation (server.listen) runs first.
  await endpoint.start()
  await endpoint.close()
  assert.equal(await within(settled, 'listen settled'), 'CLOSED')
})
