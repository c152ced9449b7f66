// check_origin policies, unit level plus one WebSocket refusal.

import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import { ServerError } from '@plume/server'
import { compileOriginCheck } from '../src/check-origin.js'
import { RawClient, refusedStatus, startEndpoint } from './helpers.js'

describe('compileOriginCheck', () => {
  it('false allows everything; a missing Origin is always allowed', () => {
    assert.equal(compileOriginCheck(false, undefined)('https://evil.com', 'x'), true)
    assert.equal(compileOriginCheck(['https://a.com'], undefined)(undefined, 'x'), true)
  })

  it('no policy checks against the configured host, and allows all when there is none', () => {
    const withHost = compileOriginCheck(undefined, 'app.test')
    assert.equal(withHost('https://app.test', 'x'), true)
    assert.equal(withHost('https://evil.test', 'app.test'), false)
    assert.equal(compileOriginCheck(undefined, undefined)('https://evil.test', 'x'), true)
  })

  it('true compares the host with the configured host, or else the Host header', () => {
    const configured = compileOriginCheck(true, 'example.com')
    assert.equal(configured('https://example.com:8443', 'other'), true)
    assert.equal(configured('http://example.com', 'other'), true)
    assert.equal(configured('https://evil.com', 'example.com'), false)
    const fromHost = compileOriginCheck(true, undefined)
    assert.equal(fromHost('http://localhost:3000', 'localhost:4000'), true)
    assert.equal(fromHost('http://evil.com', 'localhost:4000'), false)
  })

  it('lists match scheme, host and port; *. matches the apex and any depth but not lookalikes', () => {
    const check = compileOriginCheck(
      ['https://example.com', '//another.com:888', '//*.other.com'],
      undefined,
    )
    const allow = (o: string): boolean => check(o, undefined)
    assert.equal(allow('https://example.com'), true)
    assert.equal(allow('http://example.com'), false)
    assert.equal(allow('https://example.com:8080'), false)
    assert.equal(allow('https://sub.example.com'), false)
    assert.equal(allow('http://another.com:888'), true)
    assert.equal(allow('https://another.com'), false)
    assert.equal(allow('https://other.com'), true)
    assert.equal(allow('http://a.other.com'), true)
    assert.equal(allow('https://a.b.other.com:99'), true)
    assert.equal(allow('https://prefix-other.com'), false)
    assert.equal(allow('null'), false)
    assert.equal(allow('not a url'), false)
  })

  it('functions get the parsed URL', () => {
    const check = compileOriginCheck((url) => url.hostname.endsWith('.ok'), undefined)
    assert.equal(check('https://x.ok', undefined), true)
    assert.equal(check('https://x.no', undefined), false)
  })

  it('entries without a host are configuration errors', () => {
    for (const bad of ['example.com', 'https://', '//:80']) {
      assert.throws(
        () => compileOriginCheck([bad], undefined),
        (e: unknown) => e instanceof ServerError && e.code === 'INVALID_CONFIG',
      )
    }
  })
})

describe('check_origin on the WebSocket handshake', () => {
  it('refuses a disallowed Origin with 403 and accepts an allowed one', async () => {
    const { endpoint, wsUrl } = await startEndpoint({
      channels: [],
      checkOrigin: ['//*.good.test'],
    })
    assert.equal(await refusedStatus(wsUrl, { headers: { origin: 'https://evil.test' } }), 403)
    const c = await RawClient.open(wsUrl, undefined, { origin: 'https://www.good.test' })
    await c.close()
    await endpoint.close()
  })

  it('endpoint-wide checkOrigin: true uses the configured host', async () => {
    const { endpoint, wsUrl } = await startEndpoint(
      { channels: [] },
      { checkOrigin: true, host: 'app.test' },
    )
    assert.equal(await refusedStatus(wsUrl, { headers: { origin: 'https://other.test' } }), 403)
    const c = await RawClient.open(wsUrl, undefined, { origin: 'https://app.test' })
    await c.close()
    await endpoint.close()
  })

  it('an endpoint that knows its host refuses a foreign origin with 403 by default', async () => {
    const { endpoint, wsUrl } = await startEndpoint({ channels: [] }, { host: 'app.test' })
    assert.equal(await refusedStatus(wsUrl, { headers: { origin: 'https://evil.test' } }), 403)
    const c = await RawClient.open(wsUrl, undefined, { origin: 'https://app.test' })
    await c.close()
    await endpoint.close()
  })
})
