// @plume/server/testing must run under any test runner: its sources import only Node
// built-ins that every runner provides, Plume packages and each other, and misuse gets a
// clear error instead of a hang.
import assert from 'node:assert/strict'
import { readdirSync, readFileSync } from 'node:fs'
import { describe, it } from 'node:test'
import { Endpoint, ok, silentLogger, type SocketOptions } from '@plume/server'
import { channelTest } from '@plume/server/testing'

const dir = new URL('../src/testing/', import.meta.url)
const ALLOWED = /^(node:assert|node:util|@plume\/(protocol|pubsub|tracker)|\.\.?\/.*)$/

describe('testing: runner-agnostic and strict about misuse', () => {
  it('imports no test runner', () => {
    const files = readdirSync(dir).filter((f) => f.endsWith('.ts'))
    assert.ok(files.length > 5)
    for (const file of files) {
      const source = readFileSync(new URL(file, dir), 'utf8')
      for (const [, spec] of source.matchAll(/from '([^']+)'/g))
        assert.match(spec ?? '', ALLOWED, `${file} imports ${spec}`)
    }
  })

  it('names a path with no socket mounted', async () => {
    await using endpoint = new Endpoint({ logger: silentLogger })
    assert.throws(() => channelTest(endpoint, '/nope'), /no socket is mounted at \/nope/)
  })

  it('rejects a payload that is not an object before sending it', async () => {
    const Echo: SocketOptions = { channels: [['echo', { join: () => ok() }]] }
    await using test = channelTest(Echo, { logger: silentLogger })
    const { channel } = await test.socket().subscribeAndJoin('echo')
    assert.throws(() => channel.push('x', 'text' as never), /push payload must be/)
    await assert.rejects(channel.broadcastFrom('x', 42 as never), /broadcast payload must be/)
  })

  it('passes handshake details to connect', async () => {
    const Info: SocketOptions = {
      connect: (_params, info) => ({ token: info.authToken, trace: info.xHeaders['x-trace'] }),
      channels: [],
    }
    await using test = channelTest(Info, { logger: silentLogger })
    const s = await test.connect({}, { authToken: 'abc', headers: { 'x-trace': 't1' } })
    assert.deepEqual(s.assigns, { token: 'abc', trace: 't1' })
  })
})
