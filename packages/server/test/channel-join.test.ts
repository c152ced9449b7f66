// Channel joins over raw V2 frames: exact wire shapes of join replies,
// errors and crashes, unmatched topics, the channel limit, pushes during join, duplicate
// joins and a leave followed at once by a re-join; then the edges: a channel class whose
// constructor throws answers "join crashed" (the connection keeps working), and a join still
// pending when the socket closes leaves no subscriptions behind, whatever it registers later.

import assert from 'node:assert/strict'
import { after, before, describe, it } from 'node:test'
import { ok, reply, type ChannelHandler, type Endpoint } from '@plume/server'
import { waitFor, within } from '@plume/testkit'
import { startRoomEndpoint, terminated } from './fixtures.js'
import { RawClient, startEndpoint, type captureLogger } from './helpers.js'

let endpoint: Endpoint
let wsUrl: string
let logger: ReturnType<typeof captureLogger>
const url = (): string => `${wsUrl}?vsn=2.0.0`

before(async () => {
  ;({ endpoint, wsUrl, logger } = await startRoomEndpoint())
})
after(() => endpoint.close())

describe('join', () => {
  it('replies ok {} echoing join_ref and ref, or ok with a reply', async () => {
    const c = await RawClient.open(`${url()}&user=ann`)
    const j1 = c.join('room:1')
    assert.deepEqual(await c.next(), [
      j1,
      j1,
      'room:1',
      'phx_reply',
      { status: 'ok', response: {} },
    ])
    const j2 = c.join('room:2', { reply: true })
    assert.deepEqual(await c.next(), [
      j2,
      j2,
      'room:2',
      'phx_reply',
      { status: 'ok', response: { welcome: 'ann' } },
    ])
    const j3 = c.join('exact:topic')
    assert.deepEqual((await c.next())[4], { status: 'ok', response: { exact: true } })
    assert.equal(j3, '3')
    await c.close()
  })

  it('replies error on join error, and on a crash with "join crashed"', async () => {
    const c = await RawClient.open(url())
    const j1 = c.join('room:1', { reject: true })
    assert.deepEqual(await c.next(), [
      j1,
      j1,
      'room:1',
      'phx_reply',
      { status: 'error', response: { reason: 'rejected' } },
    ])
    const j2 = c.join('room:1', { crash: true })
    assert.deepEqual(await c.next(), [
      j2,
      j2,
      'room:1',
      'phx_reply',
      { status: 'error', response: { reason: 'join crashed' } },
    ])
    // the topic is free again: a message now gets "unmatched topic"
    c.send([j2, '9', 'room:1', 'echo', {}])
    assert.deepEqual(await c.next(), [
      null,
      '9',
      'room:1',
      'phx_reply',
      { status: 'error', response: { reason: 'unmatched topic' } },
    ])
    await c.close()
  })

  it('answers an unmatched topic with a null join_ref and logs it', async () => {
    const c = await RawClient.open(url())
    const j = c.join('nowhere:1')
    assert.deepEqual(await c.next(), [
      null,
      j,
      'nowhere:1',
      'phx_reply',
      { status: 'error', response: { reason: 'unmatched topic' } },
    ])
    assert.ok(
      logger.entries.some(
        (e) => e.msg.includes('unmatched topic') && e.data?.['topic'] === 'nowhere:1',
      ),
    )
    await c.close()
  })

  it('refuses non-object join params', async () => {
    const c = await RawClient.open(url())
    const j = c.join('room:1', 'nope')
    assert.deepEqual(await c.next(), [
      j,
      j,
      'room:1',
      'phx_reply',
      { status: 'error', response: { reason: 'join params must be an object' } },
    ])
    await c.close()
  })

  it('rejects joins beyond maxChannels with "too many channels joined"', async () => {
    const c = await RawClient.open(url())
    for (const t of ['room:a', 'room:b', 'room:c']) await c.reply(c.join(t))
    const j = c.join('room:d')
    assert.deepEqual(await c.next(), [
      j,
      j,
      'room:d',
      'phx_reply',
      { status: 'error', response: { reason: 'too many channels joined' } },
    ])
    await c.close()
  })

  it('writes the join reply before pushes made during join and after_join', async () => {
    const c = await RawClient.open(url())
    const j = c.join('room:1', { push_in_join: true, after_join: true })
    assert.deepEqual(await c.next(), [j, j, 'room:1', 'phx_reply', { status: 'ok', response: {} }])
    assert.deepEqual(await c.next(), [j, null, 'room:1', 'early', { n: 1 }])
    assert.deepEqual(await c.next(), [j, null, 'room:1', 'after_join', {}])
    await c.close()
  })

  it('duplicate join: new reply first, then phx_close for the old join_ref; old terminate gets duplicate_join', async () => {
    const c = await RawClient.open(url())
    const old = c.join('room:dup')
    await c.reply(old)
    const fresh = c.join('room:dup')
    assert.deepEqual(await c.next(), [
      fresh,
      fresh,
      'room:dup',
      'phx_reply',
      { status: 'ok', response: {} },
    ])
    assert.deepEqual(await c.next(), [old, old, 'room:dup', 'phx_close', {}])
    assert.ok(terminated.some((t) => t.topic === 'room:dup' && t.reason === 'duplicate_join'))
    // the new instance is live; the old join_ref is now stale and dropped silently
    c.send([old, '50', 'room:dup', 'echo', { a: 1 }])
    c.send([fresh, '51', 'room:dup', 'echo', { b: 2 }])
    assert.deepEqual(await c.next(), [
      fresh,
      '51',
      'room:dup',
      'phx_reply',
      { status: 'ok', response: { b: 2 } },
    ])
    assert.equal(c.received.length, 0)
    await c.close()
  })

  it('a leave followed at once by a re-join: leave reply and phx_close, then the new join reply', async () => {
    const c = await RawClient.open(url())
    const old = c.join('room:relj')
    await c.reply(old)
    c.send([old, '90', 'room:relj', 'phx_leave', {}])
    const fresh = c.join('room:relj')
    assert.deepEqual(await c.next(), [
      old,
      '90',
      'room:relj',
      'phx_reply',
      { status: 'ok', response: {} },
    ])
    assert.deepEqual(await c.next(), [old, old, 'room:relj', 'phx_close', {}])
    assert.deepEqual(await c.next(), [
      fresh,
      fresh,
      'room:relj',
      'phx_reply',
      { status: 'ok', response: {} },
    ])
    c.send([null, '91', 'phoenix', 'heartbeat', {}])
    await c.reply('91')
    assert.equal(c.received.length, 0, 'no second phx_close')
    await c.close()
  })
})

let edgeEndpoint: Endpoint
let edgeWsUrl: string
let releaseJoin: () => void = () => {}
let joinEntered: () => void = () => {}
const hooks: string[] = []

class Broken implements ChannelHandler {
  constructor() {
    throw new Error('constructor boom')
  }
  join() {
    return ok()
  }
}

const Slow: ChannelHandler = {
  async join(topic, _params, ch) {
    ch.onTerminate((reason) => hooks.push(`early:${JSON.stringify(reason)}`))
    joinEntered()
    await new Promise<void>((resolve) => (releaseJoin = resolve))
    ch.subscribe(`side:${topic}`)
    ch.onTerminate((reason) => hooks.push(`late:${JSON.stringify(reason)}`))
    return ok()
  },
}

const Echo: ChannelHandler = { join: () => ok(), handleIn: () => reply('ok') }

describe('join edges', () => {
  before(async () => {
    ;({ endpoint: edgeEndpoint, wsUrl: edgeWsUrl } = await startEndpoint({
      channels: [
        ['broken', Broken],
        ['slow:*', Slow],
        ['echo', Echo],
      ],
    }))
  })
  after(() => edgeEndpoint.close())

  it('answers "join crashed" when the channel class constructor throws', async () => {
    const c = await RawClient.open(`${edgeWsUrl}?vsn=2.0.0`)
    const j = c.join('broken')
    const answer = await c.reply(j)
    assert.deepEqual(answer, [
      j,
      j,
      'broken',
      'phx_reply',
      { status: 'error', response: { reason: 'join crashed' } },
    ])
    // The connection still serves joins afterwards.
    const e = c.join('echo')
    assert.deepEqual((await c.reply(e))[4], { status: 'ok', response: {} })
    await c.close()
  })

  it('a join pending at socket close releases everything it registers', async () => {
    const entered = new Promise<void>((resolve) => (joinEntered = resolve))
    const baseline = edgeEndpoint.connectionCount
    const c = await RawClient.open(`${edgeWsUrl}?vsn=2.0.0`)
    c.join('slow:1')
    await within(entered, 'join entered')
    await c.close()
    await waitFor('connection gone', () => edgeEndpoint.connectionCount === baseline)
    releaseJoin()
    await waitFor('late hook', () => hooks.length === 2, { describe: () => hooks })
    assert.deepEqual(hooks, ['early:"closed"', 'late:"closed"'])
    assert.equal(edgeEndpoint.pubsub.subscriberCount('side:slow:1'), 0)
    assert.equal(edgeEndpoint.pubsub.subscriberCount('slow:1'), 0)
  })
})
