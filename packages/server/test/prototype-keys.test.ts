// `__proto__`, `constructor` and `hasOwnProperty` are ordinary strings to the server: as
// topics they route and join, as presence keys and meta keys they round-trip through
// presence_state and presence_diff, and no routing map, grouping or state object (nor
// Object.prototype) is polluted on the way.

import assert from 'node:assert/strict'
import { after, before, describe, it } from 'node:test'
import { silentLogger } from '@plume/pubsub'
import { ManualScheduler, Tracker } from '@plume/tracker'
import { noReply, ok, reply, Presence, type ChannelHandler, type Endpoint } from '@plume/server'
import { RawClient, startEndpoint, type Wire } from './helpers.js'

const KEYS = ['__proto__', 'constructor', 'hasOwnProperty'] as const
let endpoint: Endpoint
let presence: Presence
let wsUrl: string

const Room: ChannelHandler = {
  join: (topic) => ok({ topic }),
  async handleIn(event, payload, ch) {
    if (event === 'track') {
      const { key, meta } = payload as { key: string; meta: Record<string, unknown> }
      presence.track(ch, key, meta)
      return reply('ok', {})
    }
    if (event === 'list') return reply('ok', { state: await presence.list(ch) })
    return noReply()
  },
}

before(async () => {
  const started = await startEndpoint({
    channels: [...KEYS.map((k) => [k, Room] as const), ['room:*', Room]],
  })
  endpoint = started.endpoint
  wsUrl = `${started.wsUrl}?vsn=2.0.0`
  const tracker = new Tracker({ pubsub: endpoint.pubsub, scheduler: new ManualScheduler() })
  presence = new Presence({ tracker, sink: endpoint, logger: silentLogger })
  await presence.start()
})

after(async () => {
  await presence.stop()
  await endpoint.close()
})

function unpolluted(): void {
  for (const k of ['polluted', 'x', 'metas']) {
    assert.equal(k in Object.prototype, false, `Object.prototype.${k} was set`)
  }
}

describe('prototype keys on the server', () => {
  it('routes and joins topics named __proto__, constructor and hasOwnProperty', async () => {
    const client = await RawClient.open(wsUrl)
    for (const topic of KEYS) {
      const answer = await client.reply(client.join(topic))
      assert.deepEqual(answer[4], { status: 'ok', response: { topic } })
    }
    const echo = client.nextRef()
    client.send(['1', echo, '__proto__', 'list', {}])
    assert.equal(((await client.reply(echo))[4] as { status: string }).status, 'ok')
    await client.close()
    unpolluted()
  })

  it('round-trips prototype-named presence keys and meta keys through state and diffs', async () => {
    const watcher = await RawClient.open(wsUrl)
    await watcher.reply(watcher.join('room:proto'))
    const client = await RawClient.open(wsUrl)
    await client.reply(client.join('room:proto'))
    // JSON.parse makes `__proto__` an own key, exactly as a hostile client would send it.
    const meta = JSON.parse(
      '{"__proto__":{"polluted":1},"constructor":"c","hasOwnProperty":7}',
    ) as Record<string, unknown>
    for (const key of KEYS) {
      const ref = client.nextRef()
      client.send(['1', ref, 'room:proto', 'track', { key, meta }])
      assert.equal(((await client.reply(ref))[4] as { status: string }).status, 'ok')
      const diff = await watcher.take((m: Wire) => m[3] === 'presence_diff', `diff for ${key}`)
      const joins = (diff[4] as { joins: Record<string, { metas: unknown[] }> }).joins
      assert.deepEqual(Object.keys(joins), [key])
      const got = Object.getOwnPropertyDescriptor(joins, key)?.value as { metas: object[] }
      assert.deepEqual(Object.keys(got.metas[0] ?? {}).sort(), [...KEYS, 'phx_ref'].sort())
    }
    const ref = client.nextRef()
    client.send(['1', ref, 'room:proto', 'list', {}])
    const state = ((await client.reply(ref))[4] as { response: { state: object } }).response.state
    assert.deepEqual(Object.keys(state).sort(), [...KEYS].sort())
    unpolluted()
    await client.close()
    await watcher.close()
  })
})
