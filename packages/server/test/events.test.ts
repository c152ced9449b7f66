// The server's diagnostics events, observed by subscribing as metrics and logs do: socket
// connect/disconnect, channel join/leave/crash, frames both ways, presence diffs, and the
// max_channels / max_frame_size limit hits, each with its documented payload.
import assert from 'node:assert/strict'
import { afterEach, beforeEach, describe, it } from 'node:test'
import { PubSub, subscribeEvent, type EventChannel } from '@plume/pubsub'
import {
  channelCrash,
  channelJoin,
  channelLeave,
  frameReceived,
  frameSent,
  limitHit,
  Presence,
  presenceDiff,
  socketConnect,
  socketDisconnect,
  type Endpoint,
} from '@plume/server'
import { ManualScheduler, Tracker } from '@plume/tracker'
import { waitFor } from '@plume/testkit'
import { startRoomEndpoint } from './fixtures.js'
import { RawClient, startEndpoint } from './helpers.js'

let endpoint: Endpoint
let wsUrl: string
const disposers: Array<() => void> = []

function record<T>(event: EventChannel<T>): T[] {
  const seen: T[] = []
  disposers.push(subscribeEvent(event, (p) => seen.push(p)))
  return seen
}

beforeEach(async () => {
  ;({ endpoint, wsUrl } = await startRoomEndpoint())
})

afterEach(async () => {
  for (const dispose of disposers.splice(0)) dispose()
  await endpoint.close()
})

describe('server events', () => {
  it('socket connect and disconnect carry the node, connection, transport and reason', async () => {
    const connects = record(socketConnect)
    const disconnects = record(socketDisconnect)
    const c = await RawClient.open(`${wsUrl}?vsn=2.0.0`)
    await c.reply(c.join('room:a'))
    await waitFor('connect event', () => connects.length === 1)
    const [connect] = connects
    assert.deepEqual(connect, {
      node: endpoint.nodeName,
      connectionId: connect!.connectionId,
      transport: 'websocket',
      socketId: null,
    })
    await c.close()
    await waitFor('disconnect event', () => disconnects.length === 1)
    assert.deepEqual(disconnects[0], { ...connect, reason: 'closed', channels: 1 })
  })

  it('channel join (ok and error), leave with its reason, and crash', async () => {
    const joins = record(channelJoin)
    const leaves = record(channelLeave)
    const crashes = record(channelCrash)
    const c = await RawClient.open(`${wsUrl}?vsn=2.0.0`)
    const ref = c.join('room:a')
    await c.reply(ref)
    await c.reply(c.join('room:b', { reject: true }))
    assert.deepEqual(
      joins.map((j) => [j.topic, j.status, j.joinRef, j.transport]),
      [
        ['room:a', 'ok', ref, 'websocket'],
        ['room:b', 'error', joins[1]!.joinRef, 'websocket'],
      ],
    )
    assert.match(joins[0]!.ownerId, new RegExp(`^${endpoint.nodeName}:\\d+:\\d+$`))
    c.send([ref, c.nextRef(), 'room:a', 'crash', {}])
    await waitFor('leave event', () => leaves.length === 1)
    assert.equal(crashes.length, 1)
    assert.equal((crashes[0]!.error as Error).message, 'handleIn boom')
    assert.deepEqual(
      leaves.map((l) => [l.topic, l.reason]),
      [['room:a', 'crash']],
    )
    const again = c.join('room:c')
    await c.reply(again)
    c.send([again, c.nextRef(), 'room:c', 'phx_leave', {}])
    await waitFor('second leave', () => leaves.length === 2)
    assert.deepEqual(leaves[1]!.reason, 'left')
    await c.close()
  })

  it('frames sent and received, with their byte sizes', async () => {
    const sent = record(frameSent)
    const received = record(frameReceived)
    const c = await RawClient.open(`${wsUrl}?vsn=2.0.0`)
    const ref = c.join('room:a')
    const reply = await c.reply(ref)
    const joinFrame = JSON.stringify([ref, ref, 'room:a', 'phx_join', {}])
    assert.deepEqual(
      received.map((f) => [f.transport, f.bytes]),
      [['websocket', Buffer.byteLength(joinFrame)]],
    )
    assert.equal(sent.length, 1)
    assert.equal(sent[0]!.bytes, Buffer.byteLength(JSON.stringify(reply)))
    await c.close()
  })

  it('max_channels refusals are limit hits with the limit and the topic', async () => {
    const hits = record(limitHit)
    const c = await RawClient.open(`${wsUrl}?vsn=2.0.0`)
    for (const t of ['room:1', 'room:2', 'room:3', 'room:4']) await c.reply(c.join(t))
    assert.deepEqual(hits, [
      {
        node: endpoint.nodeName,
        limit: 'max_channels',
        max: 3,
        transport: 'websocket',
        topic: 'room:4',
      },
    ])
    await c.close()
  })
})

describe('server events: frame size and presence', () => {
  it('a frame over maxFrameSize is a limit hit', async () => {
    const hits = record(limitHit)
    const small = await startEndpoint({ channels: [], websocket: { maxFrameSize: 64 } })
    try {
      const c = await RawClient.open(`${small.wsUrl}?vsn=2.0.0`)
      c.send('x'.repeat(100))
      await c.closed
      await waitFor('limit event', () => hits.length === 1)
      assert.deepEqual(hits[0], {
        node: undefined,
        limit: 'max_frame_size',
        max: 64,
        transport: 'websocket',
      })
    } finally {
      await small.endpoint.close()
    }
  })

  it('each presence diff broadcast is an event with its join and leave counts', async () => {
    const diffs = record(presenceDiff)
    const pubsub = new PubSub({ nodeName: 'n1' })
    const tracker = new Tracker({ pubsub, scheduler: new ManualScheduler() })
    const presence = new Presence({ tracker, sink: { localBroadcast: () => {} } })
    await presence.start()
    try {
      presence.track('owner', 'room:p', 'alice', {})
      presence.track('owner', 'room:p', 'bob', {})
      presence.untrack('owner', 'room:p', 'alice')
      await presence.flushed()
      // Alice's join goes out at once; Bob's join and Alice's leave wait for the topic's window
      // and go out as one merged diff, so there are two broadcasts and two events.
      assert.deepEqual(
        diffs.map((d) => [d.node, d.topic, d.joins, d.leaves]),
        [
          ['n1', 'room:p', 1, 0],
          ['n1', 'room:p', 1, 1],
        ],
      )
    } finally {
      await presence.stop()
      await pubsub.close()
    }
  })
})
