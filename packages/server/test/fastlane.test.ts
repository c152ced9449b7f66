// Fastlane: a broadcast is encoded once per serializer for the whole local fan-out and the
// very same frame is written to every subscriber.

import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import { v1Serializer, v2Serializer, type Message, type ServerSerializer } from '@plume/protocol'
import { ok, type ChannelHandler } from '@plume/server'
import { RawClient, startEndpoint } from './helpers.js'

function counting(inner: ServerSerializer, encoded: Message[]): ServerSerializer {
  return {
    id: inner.id,
    requirement: inner.requirement,
    decode: (frame) => inner.decode(frame),
    encode: (message) => {
      encoded.push(message)
      return inner.encode(message)
    },
  }
}

describe('fastlane', () => {
  it('encodes each broadcast once per serializer and writes it to every subscriber', async () => {
    const encoded: Message[] = []
    const Chan: ChannelHandler = { join: () => ok() }
    const { endpoint, wsUrl } = await startEndpoint({
      channels: [['room:*', Chan]],
      serializers: [counting(v1Serializer, encoded), counting(v2Serializer, encoded)],
    })
    const v2s = await Promise.all([1, 2, 3, 4].map(() => RawClient.open(`${wsUrl}?vsn=2.0.0`)))
    for (const c of v2s) await c.reply(c.join('room:f'))
    const v1 = await RawClient.open(wsUrl)
    v1.send(JSON.stringify({ topic: 'room:f', event: 'phx_join', payload: {}, ref: '1' }))
    await v1.takeRaw(() => true)
    encoded.length = 0

    await endpoint.broadcast('room:f', 'news', { n: 1 })
    const frames = await Promise.all(v2s.map((c) => c.takeRaw(() => true)))
    const v1Frame = await v1.takeRaw(() => true)
    assert.equal(encoded.length, 2, 'one encode for V2, one for V1')
    assert.deepEqual(new Set(frames).size, 1)
    assert.equal(frames[0], '[null,null,"room:f","news",{"n":1}]')
    assert.deepEqual(JSON.parse(v1Frame as string), {
      topic: 'room:f',
      event: 'news',
      payload: { n: 1 },
      ref: null,
    })

    endpoint.localBroadcast('room:f', 'local', { n: 2 })
    await Promise.all(v2s.map((c) => c.takeRaw(() => true)))
    assert.equal(encoded.length, 4)
    for (const c of [...v2s, v1]) await c.close()
    await endpoint.close()
  })

  it('drops (and logs) a broadcast that cannot be encoded, without hurting subscribers', async () => {
    const Chan: ChannelHandler = { join: () => ok() }
    const { endpoint, wsUrl, logger } = await startEndpoint({ channels: [['room:*', Chan]] })
    const c = await RawClient.open(`${wsUrl}?vsn=2.0.0`)
    await c.reply(c.join('room:x'))
    await endpoint.broadcast('room:x', 'big', { n: 10n })
    await endpoint.broadcast('room:x', 'fine', {})
    assert.equal((await c.next())[3], 'fine')
    assert.ok(logger.entries.some((e) => e.msg.includes('cannot be encoded')))
    await c.close()
    await endpoint.close()
  })
})
