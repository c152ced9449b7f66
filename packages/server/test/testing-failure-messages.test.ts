// @plume/server/testing: a failing assertion throws an AssertionError within its bound and
// names what did arrive, so a red test says what went wrong without a debugger.
import assert from 'node:assert/strict'
import { AssertionError } from 'node:assert'
import { describe, it } from 'node:test'
import { noReply, ok, reply, silentLogger, type SocketOptions } from '@plume/server'
import { channelTest, satisfying } from '@plume/server/testing'

const UserSocket: SocketOptions = {
  channels: [
    [
      'room:*',
      {
        join: (_t, _p, ch) => {
          ch.push('hello', { n: 1 })
          return ok({ joined: true })
        },
        handleIn: (event) => (event === 'slow' ? noReply() : reply('ok', { event })),
      },
    ],
  ],
}

/** Runs `fn`, expecting an AssertionError; returns it and how long it took. */
async function failure(fn: () => Promise<unknown>): Promise<{ message: string; ms: number }> {
  const start = performance.now()
  try {
    await fn()
  } catch (error) {
    assert.ok(error instanceof AssertionError, `expected an AssertionError, got ${String(error)}`)
    return { message: error.message, ms: performance.now() - start }
  }
  assert.fail('the assertion passed')
}

async function joined(timeout = 150, refuteTimeout = 50) {
  const test = channelTest(UserSocket, { logger: silentLogger, timeout, refuteTimeout })
  const { channel } = await test.socket().subscribeAndJoin('room:1')
  return { test, channel }
}

describe('testing: failure messages', () => {
  it('assertPush for a push that never comes fails within its bound and lists arrivals', async () => {
    const { test, channel } = await joined()
    await using _ = test
    const { message, ms } = await failure(() => channel.assertPush('nope', { x: 1 }))
    assert.ok(ms >= 140 && ms < 1000, `failed after ${ms} ms, bound 150`)
    assert.equal(
      message,
      'expected a push "nope" on room:1 with {"x":1} within 150 ms, but it did not arrive. ' +
        'Arrived:\n' +
        '  reply to ref 1 on room:1: ok {"joined":true}  (already asserted)\n' +
        '  push "hello" on room:1: {"n":1}',
    )
  })

  it('a per-call timeout overrides the default bound', async () => {
    const { test, channel } = await joined(2000)
    await using _ = test
    const { message, ms } = await failure(() =>
      channel.assertPush('nope', undefined, { timeout: 20 }),
    )
    assert.ok(ms < 1500, `failed after ${ms} ms, bound 20`)
    assert.match(message, /^expected a push "nope" on room:1 with any payload within 20 ms/)
  })

  it('a payload mismatch shows the expectation and the payload that came', async () => {
    const { test, channel } = await joined()
    await using _ = test
    const { message } = await failure(() =>
      channel.assertPush(
        'hello',
        satisfying('n above 5', (p: { n: number }) => p.n > 5),
      ),
    )
    assert.match(message, /a push "hello" on room:1 with n above 5 within 150 ms/)
    assert.match(message, /push "hello" on room:1: \{"n":1\}$/)
  })

  it('assertReply names the status it expected and the reply it got', async () => {
    const { test, channel } = await joined()
    await using _ = test
    const ref = channel.push('ping')
    const { message } = await failure(() => channel.assertReply(ref, 'error'))
    assert.match(message, /^expected a reply to ref 2 with status "error" and any payload/)
    assert.match(message, /reply to ref 2 on room:1: ok \{"event":"ping"\}/)
    const silent = channel.push('slow')
    const none = await failure(() => channel.assertReply(silent, 'ok'))
    assert.match(none.message, /a reply to ref 3 with status "ok"/)
  })

  it('refutePush fails as soon as the push is there, naming it', async () => {
    const { test, channel } = await joined(150, 2000)
    await using _ = test
    const { message, ms } = await failure(() => channel.refutePush('hello'))
    assert.ok(ms < 1500, `refute of a push already here took ${ms} ms`)
    assert.match(
      message,
      /^expected no push "hello" on room:1 with any payload within 2000 ms, but one arrived/,
    )
    await test.endpoint.broadcast('room:1', 'later', {})
    await channel.assertPush('later')
    await channel.refutePush('later', undefined, { timeout: 50 }) // claimed pushes do not count
  })

  it('refutePush fails when the push arrives during the window', async () => {
    const { test, channel } = await joined()
    await using _ = test
    const refuted = failure(() => channel.refutePush('late'))
    await test.endpoint.broadcast('room:1', 'late', { at: 'window' })
    const { message } = await refuted
    assert.match(message, /push "late" on room:1: \{"at":"window"\}/)
  })

  it('with nothing received at all the message says so', async () => {
    const { test, channel } = await joined()
    await using _ = test
    const { message } = await failure(() => channel.assertBroadcast('none'))
    assert.equal(
      message,
      'expected a broadcast "none" on room:1 with any payload within 150 ms, but it did not arrive. Nothing arrived.',
    )
  })

  it('assertClosed fails within its bound while the socket stays open', async () => {
    const { test } = await joined()
    await using _ = test
    const s = test.socket()
    const { message } = await failure(() => s.assertClosed({ timeout: 30 }))
    assert.match(message, /^expected the socket to close within 30 ms/)
  })

  it('a join that never replies fails within the bound', async () => {
    const Stuck: SocketOptions = { channels: [['stuck', { join: () => new Promise(() => {}) }]] }
    await using test = channelTest(Stuck, { logger: silentLogger, timeout: 50 })
    const { message, ms } = await failure(() => test.socket().join('stuck'))
    assert.ok(ms < 1000, `failed after ${ms} ms, bound 50`)
    assert.equal(
      message,
      'expected a reply to ref 1 on stuck within 50 ms, but it did not arrive. Nothing arrived.',
    )
  })

  it('bounds use real timers even when a runner fakes the global ones after import', async () => {
    const { test, channel } = await joined()
    await using _ = test
    const saved = globalThis.setTimeout
    globalThis.setTimeout = (() => 0) as unknown as typeof setTimeout // a fake that never fires
    try {
      const { message } = await failure(() =>
        channel.assertPush('nope', undefined, { timeout: 30 }),
      )
      assert.match(message, /within 30 ms, but it did not arrive/)
    } finally {
      globalThis.setTimeout = saved
    }
  })
})
