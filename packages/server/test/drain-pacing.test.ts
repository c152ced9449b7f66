// Drain pacing: by default a drain's batches are sized to the connection count and spread
// over `duration` (2 ms per connection, at most 10 s), so a big node's clients reconnect
// elsewhere over time, not all at once, while a small node drains at once.

import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import { ManualScheduler } from '@plume/tracker'
import { drainPlan, ok, type ChannelHandler } from '@plume/server'
import { waitFor } from '@plume/testkit'
import { RawClient, startEndpoint } from './helpers.js'

describe('drainPlan', () => {
  it('spreads the default drain over 2 ms per connection, at most 10 s, in 100 ms batches', () => {
    // 20,000 and 10,000 connections: 10 s; 5,000: 10 s; 200: 0.4 s; 20: one batch at once.
    assert.deepEqual(drainPlan(20_000), { batchSize: 199, batchInterval: 100 })
    assert.deepEqual(drainPlan(10_000), { batchSize: 100, batchInterval: 100 })
    assert.deepEqual(drainPlan(5_000), { batchSize: 50, batchInterval: 100 })
    assert.deepEqual(drainPlan(200), { batchSize: 40, batchInterval: 100 })
    assert.deepEqual(drainPlan(101), { batchSize: 34, batchInterval: 100 })
    assert.deepEqual(drainPlan(20), { batchSize: 20, batchInterval: 100 })
    assert.deepEqual(drainPlan(0), { batchSize: 1, batchInterval: 100 })
  })

  it('fits the batches into the given duration', () => {
    assert.deepEqual(drainPlan(1000, { duration: 1000, batchInterval: 250 }), {
      batchSize: 200,
      batchInterval: 250,
    })
    // A batch size alone: the interval puts the last batch at `duration`.
    assert.deepEqual(drainPlan(1000, { duration: 9000, batchSize: 100 }), {
      batchSize: 100,
      batchInterval: 1000,
    })
    assert.deepEqual(drainPlan(50, { batchSize: 100 }), { batchSize: 100, batchInterval: 0 })
    assert.deepEqual(drainPlan(7, { batchInterval: 0 }), { batchSize: 7, batchInterval: 0 })
  })

  it('never takes longer than the duration', () => {
    for (const count of [1, 2, 99, 100, 101, 5000, 123_457]) {
      for (const duration of [0, 1, 999, 10_000, 60_000]) {
        const { batchSize, batchInterval } = drainPlan(count, { duration })
        const last = (Math.ceil(count / batchSize) - 1) * batchInterval
        assert.ok(last <= duration, `count ${count} duration ${duration}: last batch at ${last}`)
      }
    }
  })

  it('refuses nonsense with INVALID_CONFIG', () => {
    for (const bad of [
      { duration: -1 },
      { duration: NaN },
      { batchSize: 0 },
      { batchInterval: -5 },
    ]) {
      assert.throws(() => drainPlan(10, bad), { name: 'ServerError', code: 'INVALID_CONFIG' })
    }
  })
})

describe('a drain on an endpoint', () => {
  async function threeClients() {
    const scheduler = new ManualScheduler()
    const Chan: ChannelHandler = { join: () => ok() }
    const { endpoint, wsUrl } = await startEndpoint({ channels: [['t', Chan]] }, { scheduler })
    const clients = await Promise.all([1, 2, 3].map(() => RawClient.open(`${wsUrl}?vsn=2.0.0`)))
    return { scheduler, endpoint, clients }
  }

  it('closes a few connections at once by default (2 ms each is one batch)', async () => {
    const { endpoint, clients } = await threeClients()
    try {
      await endpoint.drain()
      assert.equal(endpoint.connectionCount, 0)
      for (const c of clients) assert.equal((await c.closed).code, 1012)
    } finally {
      await endpoint.close()
    }
  })

  it('closes one connection per 100 ms batch when the duration spreads them', async () => {
    const { scheduler, endpoint, clients } = await threeClients()
    try {
      const drained = endpoint.drain({ duration: 200 })
      await waitFor('first batch', () => endpoint.connectionCount === 2)
      scheduler.advance(99)
      assert.equal(endpoint.connectionCount, 2)
      scheduler.advance(1)
      await waitFor('second batch', () => endpoint.connectionCount === 1)
      scheduler.advance(100)
      await drained
      assert.equal(endpoint.connectionCount, 0)
      for (const c of clients) assert.equal((await c.closed).code, 1012)
    } finally {
      await endpoint.close()
    }
  })
})
