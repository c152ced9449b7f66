// Endpoint plumbing: attaching beside an existing request handler, configuration errors,
// custom mount paths, a clean close, and close() winning over a listen() still starting
// (a server listening on a closed endpoint would hold the process open).

import assert from 'node:assert/strict'
import { createServer } from 'node:http'
import type { AddressInfo } from 'node:net'
import { describe, it } from 'node:test'
import { Endpoint, ok, ServerError, type ChannelHandler } from '@plume/server'
import { within } from '@plume/testkit'
import { captureLogger, RawClient } from './helpers.js'

const Chan: ChannelHandler = { join: () => ok() }
const isConfigError = (e: unknown): boolean =>
  e instanceof ServerError && e.code === 'INVALID_CONFIG'

describe('Endpoint', () => {
  it('attaches to an existing server; other paths reach the user handler', async () => {
    const server = createServer((_req, res) => res.end('user handler'))
    const endpoint = new Endpoint({ logger: captureLogger() })
    endpoint.socket('/ws/admin', { channels: [['t', Chan]], longpoll: true }).attach(server)
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
    const { port } = server.address() as AddressInfo
    const res = await within(fetch(`http://127.0.0.1:${port}/hello`), 'fetch')
    assert.equal(await res.text(), 'user handler')
    const lp = await within(
      fetch(`http://127.0.0.1:${port}/ws/admin/longpoll?vsn=2.0.0`),
      'longpoll',
    )
    assert.equal(((await lp.json()) as { status: number }).status, 410)
    const c = await RawClient.open(`ws://127.0.0.1:${port}/ws/admin/websocket?vsn=2.0.0`)
    await c.reply(c.join('t'))
    await endpoint.close()
    assert.equal((await within(c.closed, 'close on endpoint.close')).code, 1001)
    assert.equal(
      await (await fetch(`http://127.0.0.1:${port}/ws/admin/longpoll`)).text(),
      'user handler',
    )
    server.closeAllConnections()
    await new Promise<void>((resolve) => server.close(() => resolve()))
  })

  it('validates routes and options at definition time', () => {
    const endpoint = new Endpoint({ logger: captureLogger() })
    assert.throws(() => endpoint.socket('/a', { channels: [['room:*:x', Chan]] }), isConfigError)
    assert.throws(() => endpoint.socket('/b', { channels: [['*room', Chan]] }), isConfigError)
    assert.throws(
      () => endpoint.socket('/c', { channels: [['ok', {} as ChannelHandler]] }),
      isConfigError,
    )
    assert.throws(() => endpoint.socket('nope', { channels: [] }), isConfigError)
    assert.throws(() => endpoint.socket('/d', { channels: [], maxChannels: 0 }), isConfigError)
    endpoint.socket('/e', { channels: [] })
    assert.throws(() => endpoint.socket('/e', { channels: [] }), isConfigError)
  })

  it('routes exact topics and trailing-* prefixes in order; a class route gets an instance per join', async () => {
    const seen: string[] = []
    class PerJoin implements ChannelHandler {
      readonly id = Math.random()
      join(topic: string) {
        seen.push(`${topic}:${this.id}`)
        return ok()
      }
    }
    const first: ChannelHandler = { join: (t) => ok({ route: 'first', t }) }
    const endpoint = new Endpoint({ logger: captureLogger() })
    endpoint.socket('/socket', {
      channels: [
        ['a:exact', first],
        ['a:*', PerJoin],
      ],
    })
    const { url } = await endpoint.listen()
    const c = await RawClient.open(`${url.replace('http', 'ws')}/socket/websocket?vsn=2.0.0`)
    assert.deepEqual((await c.reply(c.join('a:exact')))[4], {
      status: 'ok',
      response: { route: 'first', t: 'a:exact' },
    })
    await c.reply(c.join('a:'))
    await c.reply(c.join('a:2'))
    assert.equal(seen.length, 2)
    assert.notEqual(seen[0]?.split(':')[2], seen[1]?.split(':')[2])
    await c.close()
    await endpoint.close()
  })
})

describe('listen racing close', () => {
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
})
