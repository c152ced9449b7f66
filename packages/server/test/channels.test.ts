// Channel messages over raw V2 frames: replies, pushes, heartbeats,
// leave, stale join_refs, stop and crashes, unhandled events, broadcasts and handleOut.

import assert from 'node:assert/strict'
import { after, before, describe, it } from 'node:test'
import type { Endpoint } from '@plume/server'
import { startRoomEndpoint, terminated } from './fixtures.js'
import { within } from '@plume/testkit'
import { RawClient, startEndpoint, type captureLogger } from './helpers.js'

let endpoint: Endpoint
let wsUrl: string
let logger: ReturnType<typeof captureLogger>
const url = (): string => `${wsUrl}?vsn=2.0.0`

before(async () => {
  ;({ endpoint, wsUrl, logger } = await startRoomEndpoint())
})
after(() => endpoint.close())

describe('messages', () => {
  it('handleIn: reply, noReply, push, later reply from a captured ref', async () => {
    const c = await RawClient.open(url())
    const j = c.join('room:m')
    await c.reply(j)
    c.send([j, '10', 'room:m', 'echo', { x: 1 }])
    assert.deepEqual(await c.next(), [
      j,
      '10',
      'room:m',
      'phx_reply',
      { status: 'ok', response: { x: 1 } },
    ])
    c.send([j, '11', 'room:m', 'noreply', {}])
    c.send([j, '12', 'room:m', 'push', { y: 2 }])
    assert.deepEqual(await c.next(), [j, null, 'room:m', 'pushed', { y: 2 }])
    c.send([null, '13', 'room:m', 'later', {}])
    assert.deepEqual(await c.next(), [
      j,
      '13',
      'room:m',
      'phx_reply',
      { status: 'ok', response: { late: true } },
    ])
    assert.ok(!c.received.some((f) => String(f).includes('"11"')), 'noReply sends nothing')
    await c.close()
  })

  it('heartbeat on "phoenix" replies ok {} with a null join_ref', async () => {
    const c = await RawClient.open(url())
    c.send([null, '7', 'phoenix', 'heartbeat', {}])
    assert.deepEqual(await c.next(), [
      null,
      '7',
      'phoenix',
      'phx_reply',
      { status: 'ok', response: {} },
    ])
    await c.close()
  })

  it('an event on an unjoined topic gets "unmatched topic"; phx_leave there gets ok', async () => {
    const c = await RawClient.open(url())
    c.send(['1', '2', 'room:none', 'echo', {}])
    assert.deepEqual(await c.next(), [
      null,
      '2',
      'room:none',
      'phx_reply',
      { status: 'error', response: { reason: 'unmatched topic' } },
    ])
    c.send(['1', '3', 'room:none', 'phx_leave', {}])
    assert.deepEqual(await c.next(), [
      '1',
      '3',
      'room:none',
      'phx_reply',
      { status: 'ok', response: {} },
    ])
    await c.close()
  })

  it('leave: reply ok, then phx_close; terminate gets "left"; later events are unmatched', async () => {
    const c = await RawClient.open(url())
    const j = c.join('room:leave')
    await c.reply(j)
    c.send([j, '20', 'room:leave', 'phx_leave', {}])
    assert.deepEqual(await c.next(), [
      j,
      '20',
      'room:leave',
      'phx_reply',
      { status: 'ok', response: {} },
    ])
    assert.deepEqual(await c.next(), [j, j, 'room:leave', 'phx_close', {}])
    await within(
      waitFor(() => terminated.some((t) => t.topic === 'room:leave' && t.reason === 'left')),
      'terminate',
    )
    c.send([j, '21', 'room:leave', 'echo', {}])
    assert.deepEqual((await c.next())[4], {
      status: 'error',
      response: { reason: 'unmatched topic' },
    })
    await c.close()
  })

  it('phx_leave with a stale join_ref is ignored; a null join_ref is accepted', async () => {
    const c = await RawClient.open(url())
    const j = c.join('room:stale')
    await c.reply(j)
    c.send(['999', '30', 'room:stale', 'phx_leave', {}])
    c.send([null, '31', 'room:stale', 'echo', { still: 'joined' }])
    assert.deepEqual(await c.next(), [
      j,
      '31',
      'room:stale',
      'phx_reply',
      { status: 'ok', response: { still: 'joined' } },
    ])
    c.send([null, '32', 'room:stale', 'phx_leave', {}])
    assert.deepEqual((await c.next())[1], '32')
    assert.deepEqual(await c.next(), [j, j, 'room:stale', 'phx_close', {}])
    await c.close()
  })

  it('stop with a clean reason: reply then phx_close', async () => {
    const c = await RawClient.open(url())
    const j = c.join('room:stop')
    await c.reply(j)
    c.send([j, '40', 'room:stop', 'stop', {}])
    assert.deepEqual(await c.next(), [
      j,
      '40',
      'room:stop',
      'phx_reply',
      { status: 'ok', response: { bye: true } },
    ])
    assert.deepEqual(await c.next(), [j, j, 'room:stop', 'phx_close', {}])
    await c.close()
  })

  it('a crash or an unclean stop gives phx_error for that channel only', async () => {
    const c = await RawClient.open(url())
    let a = c.join('room:crash')
    const b = c.join('room:other')
    await c.reply(a)
    await c.reply(b)
    for (const [event, ref] of [
      ['crash', '60'],
      ['stop_crash', '61'],
      ['bad_result', '62'],
    ] as const) {
      c.send([a, ref, 'room:crash', event, {}])
      assert.deepEqual(await c.next(), [
        a,
        a,
        'room:crash',
        'phx_error',
        { reason: 'channel_crash' },
      ])
      // rejoin works after a crash
      a = c.join('room:crash')
      await c.reply(a)
      c.send([a, '70', 'room:crash', 'echo', {}])
      await c.reply('70')
    }
    c.send([b, '80', 'room:other', 'echo', { alive: true }])
    assert.deepEqual((await c.reply('80'))[4], { status: 'ok', response: { alive: true } })
    assert.ok(logger.entries.some((e) => e.level === 'error' && e.msg.includes('channel crashed')))
    await c.close()
  })

  it('an event the channel does not handle gets an error reply', async () => {
    const { endpoint: e2, wsUrl: u2 } = await startEndpoint({
      channels: [['t:*', { join: () => ({ type: 'ok', response: {} }) }]],
    })
    const c = await RawClient.open(`${u2}?vsn=2.0.0`)
    const j = c.join('t:1')
    await c.reply(j)
    c.send([j, '5', 't:1', 'whatever', {}])
    assert.deepEqual(await c.next(), [
      j,
      '5',
      't:1',
      'phx_reply',
      { status: 'error', response: { reason: 'unhandled event' } },
    ])
    await c.close()
    await e2.close()
  })
})

describe('broadcast', () => {
  it('broadcast reaches every subscriber with null refs; broadcastFrom skips the sender', async () => {
    const a = await RawClient.open(url())
    const b = await RawClient.open(url())
    const ja = a.join('room:b')
    const jb = b.join('room:b')
    await a.reply(ja)
    await b.reply(jb)
    a.send([ja, '2', 'room:b', 'broadcast', { hi: 1 }])
    assert.deepEqual(await a.take((m) => m[3] === 'shout'), [
      null,
      null,
      'room:b',
      'shout',
      { hi: 1 },
    ])
    assert.deepEqual(await b.next(), [null, null, 'room:b', 'shout', { hi: 1 }])
    await a.reply('2')
    a.send([ja, '3', 'room:b', 'broadcast_from', { hi: 2 }])
    await a.reply('3')
    assert.deepEqual(await b.next(), [null, null, 'room:b', 'shout', { hi: 2 }])
    await endpoint.broadcast('room:b', 'server', { from: 'endpoint' })
    assert.deepEqual(await a.next(), [null, null, 'room:b', 'server', { from: 'endpoint' }])
    assert.equal(a.received.length, 0, 'broadcastFrom did not reach the sender')
    await a.close()
    await b.close()
  })

  it('intercepted events go through handleOut of each channel', async () => {
    const a = await RawClient.open(url())
    const b = await RawClient.open(url())
    const ja = a.join('room:i')
    const jb = b.join('room:i')
    await a.reply(ja)
    await b.reply(jb)
    a.send([ja, '2', 'room:i', 'secret', { s: 1 }])
    const pa = await a.take((m) => m[3] === 'secret')
    const pb = await b.take((m) => m[3] === 'secret')
    assert.equal(pa[0], ja, 'handleOut pushes carry the join_ref')
    assert.equal(pb[0], jb)
    assert.notEqual((pa[4] as { seen_by: string }).seen_by, (pb[4] as { seen_by: string }).seen_by)
    await a.close()
    await b.close()
  })
})

async function waitFor(check: () => boolean): Promise<void> {
  for (let i = 0; i < 200 && !check(); i++) await new Promise((r) => setImmediate(r))
  assert.ok(check())
}
