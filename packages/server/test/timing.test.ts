// Behaviour that depends on time, driven by a ManualScheduler: the WebSocket idle timeout,
// drain batches, and the duplicate-join kill timeout.

import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import { ok, type ChannelHandler, type TerminateReason } from '@plume/server'
import { within } from '@plume/testkit'
import { RawClient, startEndpoint } from './helpers.js'
import { ManualScheduler } from '@plume/tracker'

async function eventually(check: () => boolean, label: string): Promise<void> {
  await within(
    (async () => {
      while (!check()) await new Promise((r) => setImmediate(r))
    })(),
    label,
  )
}

describe('idle timeout', () => {
  it('closes a WebSocket (1001) after 60 s without a received frame; frames keep it open', async () => {
    const scheduler = new ManualScheduler()
    const { endpoint, wsUrl } = await startEndpoint({ channels: [] }, { scheduler })
    const c = await RawClient.open(`${wsUrl}?vsn=2.0.0`)
    scheduler.advance(40_000)
    c.send([null, '1', 'phoenix', 'heartbeat', {}])
    await c.reply('1')
    scheduler.advance(40_000) // 80 s since open, 40 s since the heartbeat
    c.send([null, '2', 'phoenix', 'heartbeat', {}])
    await c.reply('2')
    scheduler.advance(59_999)
    assert.equal(c.ws.readyState, c.ws.OPEN)
    scheduler.advance(1)
    assert.equal((await within(c.closed, 'idle close')).code, 1001)
    await endpoint.close()
  })
})

describe('drain', () => {
  it('closes connections with 1012 in batches; channels terminate with "draining"', async () => {
    const scheduler = new ManualScheduler()
    const reasons: TerminateReason[] = []
    const Chan: ChannelHandler = { join: () => ok(), terminate: (r) => void reasons.push(r) }
    const { endpoint, wsUrl } = await startEndpoint({ channels: [['t', Chan]] }, { scheduler })
    const clients = await Promise.all([1, 2, 3].map(() => RawClient.open(`${wsUrl}?vsn=2.0.0`)))
    for (const c of clients) await c.reply(c.join('t'))
    const drained = endpoint.drain({ batchSize: 2, batchInterval: 1000 })
    const codes = await Promise.all(clients.slice(0, 2).map((c) => within(c.closed, 'first batch')))
    assert.deepEqual(
      codes.map((c) => c.code),
      [1012, 1012],
    )
    assert.equal(endpoint.connectionCount, 1)
    scheduler.advance(1000)
    await within(drained, 'drain done')
    assert.equal((await within(clients[2]!.closed, 'second batch')).code, 1012)
    await eventually(() => reasons.length === 3, 'terminates')
    assert.deepEqual(reasons, ['draining', 'draining', 'draining'])
    await endpoint.close()
  })

  it('refuses nonsense batch options with INVALID_CONFIG instead of draining nothing', async () => {
    const { endpoint } = await startEndpoint({ channels: [] })
    for (const bad of [
      { batchSize: 0 },
      { batchSize: 1.5 },
      { batchSize: NaN },
      { batchInterval: -1 },
    ]) {
      await assert.rejects(endpoint.drain(bad), { name: 'ServerError', code: 'INVALID_CONFIG' })
    }
    assert.equal(endpoint.connectionCount, 0)
    await endpoint.close()
  })
})

describe('duplicate join', () => {
  it('waits for the old terminate, killing it after 5 s', async () => {
    const scheduler = new ManualScheduler()
    const Stuck: ChannelHandler = { join: () => ok(), terminate: () => new Promise<void>(() => {}) }
    const { endpoint, wsUrl } = await startEndpoint({ channels: [['s', Stuck]] }, { scheduler })
    const c = await RawClient.open(`${wsUrl}?vsn=2.0.0`)
    const old = c.join('s')
    await c.reply(old)
    const pending = scheduler.pending
    const fresh = c.join('s')
    await eventually(() => scheduler.pending > pending, 'kill timer armed')
    assert.equal(c.received.length, 0)
    scheduler.advance(5000)
    assert.deepEqual(await c.next(), [
      fresh,
      fresh,
      's',
      'phx_reply',
      { status: 'ok', response: {} },
    ])
    assert.deepEqual(await c.next(), [old, old, 's', 'phx_close', {}])
    await c.close()
    await endpoint.close()
  })
})
