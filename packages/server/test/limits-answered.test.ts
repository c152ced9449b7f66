// Each per-connection limit, hit and answered as documented on LimitOptions: the rate limit
// answers 'rate limited' then closes with 1008, long topics, join budgets, full topics,
// presence update budgets and full channel mailboxes get their error replies. Drives a
// Connection over a stand-in socket with injected time, so nothing depends on the clock.

import assert from 'node:assert/strict'
import { after, before, describe, it } from 'node:test'
import { v2Serializer, type Frame } from '@plume/protocol'
import { PubSub } from '@plume/pubsub'
import { ManualScheduler, Tracker } from '@plume/tracker'
import { noReply, ok, Presence, reply, type ChannelHandler, type LimitOptions } from '@plume/server'
import { Connection } from '../src/connection.js'
import { resolveLimits } from '../src/limits/options.js'
import { KeyedCounter } from '../src/limits/rate.js'
import type { SocketLike } from '../src/transports/socket-like.js'
import { captureLogger, stubEndpoint } from './helpers.js'

type Wire = [string | null, string | null, string, string, Record<string, unknown>]

class FakeSocket implements SocketLike {
  readonly binary = false
  readonly sent: Wire[] = []
  closedWith: number | undefined
  paused = 0
  resumed = 0
  #onMessage: (frame: Frame) => Promise<void> = () => Promise.resolve()
  get isOpen(): boolean {
    return this.closedWith === undefined
  }
  send(frame: Frame): void {
    this.sent.push(JSON.parse(frame as string) as Wire)
  }
  close(code: number): void {
    this.closedWith ??= code
  }
  onMessage(handler: (frame: Frame) => Promise<void>): void {
    this.#onMessage = handler
  }
  onClose(): void {}
  pause(): void {
    this.paused += 1
  }
  resume(): void {
    this.resumed += 1
  }
  deliver(wire: unknown[]): Promise<void> {
    return this.#onMessage(JSON.stringify(wire))
  }
  replies(status: string): Wire[] {
    return this.sent.filter((m) => m[3] === 'phx_reply' && m[4]['status'] === status)
  }
}

let pubsub: PubSub
before(async () => {
  pubsub = new PubSub()
  await pubsub.start()
})
after(() => pubsub.close())

function open(
  limits: LimitOptions,
  handler: ChannelHandler = { join: () => ok(), handleIn: () => reply('ok', {}) },
  members = new KeyedCounter(),
) {
  const socket = new FakeSocket()
  const scheduler = new ManualScheduler()
  const conn = new Connection({
    socket,
    transport: 'websocket',
    serializer: v2Serializer,
    assigns: {},
    socketId: null,
    router: { route: () => handler, maxChannels: 100, limits: resolveLimits(limits), members },
    endpoint: stubEndpoint(pubsub, scheduler),
    pubsub,
    scheduler,
    logger: captureLogger(),
    onClosed: () => {},
  })
  return { socket, scheduler, conn }
}

const heartbeat = (ref: number): unknown[] => [null, String(ref), 'phoenix', 'heartbeat', {}]

describe('rate limit (messagesPerSecond, burst, rateLimitCloseAfter)', () => {
  it('answers frames past the burst with rate limited, then closes with 1008', async () => {
    const { socket } = open({ messagesPerSecond: 10, burst: 5, rateLimitCloseAfter: 3 })
    for (let i = 1; i <= 8; i++) await socket.deliver(heartbeat(i))
    assert.equal(socket.replies('ok').length, 5)
    const refused = socket.replies('error')
    assert.deepEqual(
      refused.map((m) => [m[1], m[4]['response']]),
      [6, 7, 8].map((ref) => [String(ref), { reason: 'rate limited' }]),
    )
    assert.equal(socket.closedWith, undefined)
    await socket.deliver(heartbeat(9))
    assert.equal(socket.closedWith, 1008)
  })

  it('refills at messagesPerSecond as time passes', async () => {
    const { socket, scheduler } = open({ messagesPerSecond: 10, burst: 2, rateLimitCloseAfter: 50 })
    for (let i = 1; i <= 3; i++) await socket.deliver(heartbeat(i))
    assert.equal(socket.replies('error').length, 1)
    scheduler.advance(100) // one token at 10/s
    await socket.deliver(heartbeat(4))
    await socket.deliver(heartbeat(5))
    assert.deepEqual(
      socket.replies('ok').map((m) => m[1]),
      ['1', '2', '4'],
    )
    assert.equal(socket.replies('error').length, 2)
  })
})

describe('topics and joins', () => {
  it('answers a topic longer than maxTopicLength with topic too long', async () => {
    const { socket } = open({ maxTopicLength: 8 })
    await socket.deliver(['1', '1', 'room:123456', 'phx_join', {}])
    assert.deepEqual(socket.replies('error')[0]?.[4]['response'], { reason: 'topic too long' })
    await socket.deliver(['2', '2', 'room:1', 'phx_join', {}])
    assert.equal(socket.replies('ok').length, 1)
  })

  it('refuses joins past joinsPerWindow until the window passes', async () => {
    const { socket, scheduler } = open({ joinsPerWindow: 2, windowMs: 1000 })
    for (let i = 1; i <= 3; i++)
      await socket.deliver([String(i), String(i), `room:${i}`, 'phx_join', {}])
    assert.equal(socket.replies('ok').length, 2)
    assert.deepEqual(socket.replies('error')[0]?.[4]['response'], { reason: 'too many joins' })
    scheduler.advance(1000)
    await socket.deliver(['4', '4', 'room:4', 'phx_join', {}])
    assert.equal(socket.replies('ok').length, 3)
  })

  it('refuses a join to a topic holding maxMembersPerTopic channels, and frees the place on leave', async () => {
    const members = new KeyedCounter()
    const a = open({ maxMembersPerTopic: 1 }, undefined, members)
    const b = open({ maxMembersPerTopic: 1 }, undefined, members)
    await a.socket.deliver(['1', '1', 'room:x', 'phx_join', {}])
    await b.socket.deliver(['1', '1', 'room:x', 'phx_join', {}])
    assert.deepEqual(b.socket.replies('error')[0]?.[4]['response'], { reason: 'topic full' })
    a.conn.close(1000, 'bye', 'closed')
    assert.equal(members.get('room:x'), 0)
    await b.socket.deliver(['2', '2', 'room:x', 'phx_join', {}])
    assert.equal(b.socket.replies('ok').length, 1)
  })
})

describe('presence updates and mailboxes', () => {
  it('answers a presence update past presenceUpdatesPerWindow with an error reply, not a crash', async () => {
    const tracker = new Tracker({ pubsub, scheduler: new ManualScheduler() })
    const presence = new Presence({ tracker, sink: { localBroadcast: () => {} } })
    await presence.start()
    let n = 0
    const tracking: ChannelHandler = {
      join: () => ok(),
      handleIn: (_e, _p, ch) => {
        presence.track(ch, `k${++n}`, {})
        return reply('ok', {})
      },
    }
    const { socket } = open({ presenceUpdatesPerWindow: 2 }, tracking)
    await socket.deliver(['1', '1', 'room:p', 'phx_join', {}])
    for (let i = 2; i <= 4; i++) await socket.deliver(['1', String(i), 'room:p', 'track', {}])
    await waitTicks()
    assert.equal(socket.replies('ok').length, 3) // the join and two tracks
    assert.deepEqual(socket.replies('error')[0]?.[4]['response'], {
      reason: 'too many presence updates',
    })
    assert.equal(socket.sent.filter((m) => m[3] === 'phx_error').length, 0)
    await presence.stop()
  })

  it('answers a message past maxMailbox with channel busy and pauses a socket whose inbox is full', async () => {
    let release = (): void => {}
    const gate = new Promise<void>((resolve) => (release = resolve))
    const slow: ChannelHandler = {
      join: () => ok(),
      handleIn: async () => {
        await gate
        return noReply()
      },
    }
    const { socket } = open({ maxMailbox: 2, inboxHighWater: 4 }, slow)
    await socket.deliver(['1', '1', 'room:m', 'phx_join', {}])
    // The first message runs (and blocks), two wait, the fourth finds the mailbox full.
    for (let i = 2; i <= 5; i++) await socket.deliver(['1', String(i), 'room:m', 'slow', {}])
    await waitTicks()
    assert.deepEqual(
      socket.replies('error').map((m) => [m[1], m[4]['response']]),
      [['5', { reason: 'channel busy' }]],
    )
    const pending = [6, 7, 8, 9].map((i) => socket.deliver(['1', String(i), 'room:m', 'x', {}]))
    assert.equal(socket.paused, 1)
    await Promise.all(pending)
    assert.equal(socket.resumed >= 1, true)
    release()
  })
})

async function waitTicks(): Promise<void> {
  for (let i = 0; i < 20; i++) await new Promise<void>((resolve) => setImmediate(resolve))
}
