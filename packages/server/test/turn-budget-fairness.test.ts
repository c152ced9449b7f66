// limits.turnBudgetMs: inbound work from all connections of a socket runs until the turn's
// budget is spent; later work waits for a later turn (FIFO, in slices of the same budget),
// while heartbeats are answered at once. The clock is injected: each task "costs" what it
// advances the clock by, so nothing depends on the machine's speed.

import assert from 'node:assert/strict'
import { after, before, describe, it } from 'node:test'
import { v2Serializer, type Frame } from '@plume/protocol'
import { PubSub } from '@plume/pubsub'
import { ManualScheduler } from '@plume/tracker'
import { ok, ServerError, type ChannelHandler } from '@plume/server'
import { Connection } from '../src/connection.js'
import { resolveLimits } from '../src/limits/options.js'
import { TurnBudget } from '../src/limits/turn-budget.js'
import type { SocketLike } from '../src/transports/socket-like.js'
import { captureLogger, stubEndpoint } from './helpers.js'

const nextTurn = (): Promise<void> => new Promise((resolve) => setImmediate(resolve))

/** A budget whose clock moves only when a task says what it cost. */
function budget(sliceMs: number) {
  let now = 0
  const turns = new TurnBudget(sliceMs, () => now)
  const ran: string[] = []
  const task = (name: string, costMs: number) => () => {
    ran.push(name)
    now += costMs
  }
  return { turns, ran, task }
}

describe('TurnBudget', () => {
  it('runs work at once while the turn has budget, then defers the rest to later turns', async () => {
    const { turns, ran, task } = budget(5)
    const done = ['a', 'b', 'c', 'd', 'e'].map((n) => turns.run(task(n, 3)))
    // a (0 → 3 ms) and b (3 → 6 ms) fit the first turn; c, d and e wait.
    assert.deepEqual(ran, ['a', 'b'])
    assert.equal(turns.waiting, 3)
    await nextTurn()
    // The next slice starts fresh: c and d (6 ms) spend it, e waits one more turn.
    assert.deepEqual(ran, ['a', 'b', 'c', 'd'])
    assert.equal(turns.waiting, 1)
    await Promise.all(done)
    assert.deepEqual(ran, ['a', 'b', 'c', 'd', 'e'])
    assert.equal(turns.waiting, 0)
  })

  it('keeps arrival order: new work waits behind deferred work even with budget left', async () => {
    const { turns, ran, task } = budget(5)
    void turns.run(task('heavy', 10))
    const late = turns.run(task('queued', 1))
    await nextTurn()
    const later = turns.run(task('later', 1))
    await Promise.all([late, later])
    assert.deepEqual(ran, ['heavy', 'queued', 'later'])
  })

  it('does not let a task waiting on I/O hold the queue past the turn', async () => {
    const { turns, ran, task } = budget(5)
    void turns.run(task('heavy', 10))
    let release = (): void => {}
    const stuck = turns.run(() => new Promise<void>((resolve) => (release = resolve)))
    const after = turns.run(task('after', 1))
    await after
    assert.deepEqual(ran, ['heavy', 'after'])
    release()
    await stuck
  })

  it('passes a task’s failure to its caller as a rejection, deferred or not', async () => {
    const { turns, task } = budget(5)
    const boom = (): void => {
      throw new ServerError('INVALID_CONFIG', 'boom')
    }
    await assert.rejects(turns.run(boom), /boom/)
    void turns.run(task('heavy', 10))
    await assert.rejects(turns.run(boom), /boom/)
  })

  it('runs everything at once when turned off (Infinity)', () => {
    const { turns, ran, task } = budget(Infinity)
    for (const n of ['a', 'b', 'c']) void turns.run(task(n, 100))
    assert.deepEqual(ran, ['a', 'b', 'c'])
    assert.equal(turns.waiting, 0)
  })
})

/** Records the topic of every reply written to it in `replies`, shared between sockets. */
class FakeSocket implements SocketLike {
  readonly binary = false
  readonly isOpen = true
  #onMessage: (frame: Frame) => Promise<void> = () => Promise.resolve()
  constructor(readonly replies: string[]) {}
  send(frame: Frame): void {
    const [, , topic, event] = JSON.parse(frame as string) as string[]
    if (event === 'phx_reply') this.replies.push(topic ?? '')
  }
  close(): void {}
  onMessage(handler: (frame: Frame) => Promise<void>): void {
    this.#onMessage = handler
  }
  onClose(): void {}
  deliver(wire: unknown[]): Promise<void> {
    return this.#onMessage(JSON.stringify(wire))
  }
}

let pubsub: PubSub
before(async () => {
  pubsub = new PubSub()
  await pubsub.start()
})
after(() => pubsub.close())

describe('connections sharing a turn budget', () => {
  it('answers a heartbeat before joins that arrived earlier but found the budget spent', async () => {
    let now = 0
    const turns = new TurnBudget(5, () => now)
    // Every join spends a whole turn's budget by itself.
    const handler: ChannelHandler = {
      join: () => {
        now += 6
        return ok()
      },
    }
    const replies: string[] = []
    const open = (): FakeSocket => {
      const socket = new FakeSocket(replies)
      const scheduler = new ManualScheduler()
      new Connection({
        socket,
        transport: 'websocket',
        serializer: v2Serializer,
        assigns: {},
        socketId: null,
        router: { route: () => handler, maxChannels: 10, limits: resolveLimits({}), turns },
        endpoint: stubEndpoint(pubsub, scheduler),
        pubsub,
        scheduler,
        logger: captureLogger(),
        onClosed: () => {},
      })
      return socket
    }
    const [a, b, c, good] = [open(), open(), open(), open()]
    await a.deliver(['1', '1', 'room:a', 'phx_join', {}])
    // Whether b finds this turn spent or starts the next one, c cannot run before a later turn.
    const joins = [b, c].map((s, i) => s.deliver(['1', '1', `room:${'bc'[i]}`, 'phx_join', {}]))
    await good.deliver([null, '9', 'phoenix', 'heartbeat', {}])
    assert.deepEqual(replies.slice(-1), ['phoenix'])
    assert.ok(!replies.includes('room:c'), `c answered before the heartbeat: ${replies.join(', ')}`)
    await Promise.all(joins)
    assert.deepEqual(
      replies.filter((t) => t.startsWith('room:')),
      ['room:a', 'room:b', 'room:c'],
    )
  })
})
