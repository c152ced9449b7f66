// longpoll.tokenPrefix: every session token a socket issues starts with it (so a balancer in
// front of several processes can route by token), the prefixed token works for the whole
// session, and an unusable prefix is refused when the socket is configured.

import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import { Endpoint, ok, reply } from '@plume/server'
import { startEndpoint } from './helpers.js'

const channels = [
  ['room:*', { join: () => ok(), handleIn: () => reply('ok', { pong: true }) }],
] as const

async function poll(url: string, init?: RequestInit): Promise<Record<string, unknown>> {
  const res = await fetch(url, init)
  return (await res.json()) as Record<string, unknown>
}

describe('longpoll.tokenPrefix', () => {
  it('starts every issued token, and the prefixed token carries the session', async () => {
    const { endpoint, url } = await startEndpoint({
      channels,
      longpoll: { tokenPrefix: 'w7.' },
    })
    try {
      const lp = `${url}/socket/longpoll?vsn=2.0.0`
      const tokens = await Promise.all([poll(lp), poll(lp)]).then((r) => r.map((b) => b['token']))
      for (const token of tokens) assert.match(String(token), /^w7\.[A-Za-z0-9_-]{32}$/)
      assert.notEqual(tokens[0], tokens[1])
      const join = JSON.stringify(['1', '1', 'room:a', 'phx_join', {}])
      const sent = await poll(`${lp}&token=${String(tokens[0])}`, { method: 'POST', body: join })
      assert.equal(sent['status'], 200)
      const got = await poll(`${lp}&token=${String(tokens[0])}`)
      assert.equal(got['status'], 200)
      assert.match(JSON.stringify(got['messages']), /phx_reply/)
    } finally {
      await endpoint.close()
    }
  })

  it('is empty by default', async () => {
    const { endpoint, url } = await startEndpoint({ channels, longpoll: true })
    try {
      const { token } = await poll(`${url}/socket/longpoll?vsn=2.0.0`)
      assert.match(String(token), /^[A-Za-z0-9_-]{32}$/)
    } finally {
      await endpoint.close()
    }
  })

  it('refuses prefixes that are not URL-safe or longer than 64 characters', () => {
    const endpoint = new Endpoint()
    for (const tokenPrefix of ['a/b', 'a b', 'é', 'x'.repeat(65), 7]) {
      assert.throws(
        () => endpoint.socket('/socket', { channels, longpoll: { tokenPrefix } as never }),
        { code: 'INVALID_CONFIG', message: /longpoll\.tokenPrefix/ },
      )
    }
  })
})
