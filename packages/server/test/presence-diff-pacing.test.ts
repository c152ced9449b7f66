// How Presence paces a topic's diffs in virtual time: a quiet topic's change goes out at once,
// a busy topic gets one merged diff per window (10 ms, doubling while busy up to 0.05 ms per
// presence and 100 ms, back to 10 ms once quiet), `coalesce: false` sends one diff per change, and count-only topics get the
// number of present keys instead of diffs.
import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import { ManualScheduler } from '@plume/tracker'
import type { PresenceOptions } from '@plume/server'
import { harness } from './presence-support.js'

const T = 'room:1'

async function paced(options: Partial<PresenceOptions> = {}) {
  const clock = new ManualScheduler()
  const sent: Array<{ at: number; event: string; payload: unknown }> = []
  const sink = {
    localBroadcast: (_topic: string, event: string, payload: unknown) =>
      sent.push({ at: clock.now(), event, payload: JSON.parse(JSON.stringify(payload)) }),
  }
  const h = await harness({ scheduler: clock, sink, ...options })
  // Diffs are sent after a few promise turns (fetch is async); virtual time does not move.
  const settle = async () => {
    for (let i = 0; i < 5; i++) await new Promise((r) => setImmediate(r))
  }
  return { h, clock, sent, settle }
}

const keysOf = (payload: unknown) => {
  const { joins, leaves } = payload as { joins: object; leaves: object }
  return [Object.keys(joins), Object.keys(leaves)]
}

describe('presence diff pacing', () => {
  it('sends a quiet topic’s change at once', async () => {
    const { h, sent, settle } = await paced()
    h.presence.track('o', T, 'a', {})
    await settle()
    assert.deepEqual(
      sent.map((s) => [s.at, keysOf(s.payload)]),
      [[0, [['a'], []]]],
    )
    await h.close()
  })

  it('merges a busy topic’s changes into one diff per window, growing the window while busy', async () => {
    // 100 ms per presence: even this six-presence topic may grow to maxWindowMs.
    const { h, clock, sent, settle } = await paced({ coalesce: { windowMsPerPresence: 100 } })
    h.presence.track('o', T, 'k0', {})
    await settle()
    for (let i = 1; i <= 3; i++) h.presence.track('o', T, `k${i}`, {})
    await settle()
    assert.equal(sent.length, 1, 'the rest waits for the window')
    clock.advance(10)
    await settle()
    assert.deepEqual(keysOf(sent[1]?.payload), [['k1', 'k2', 'k3'], []])
    h.presence.track('o', T, 'k4', {})
    h.presence.track('o', T, 'k5', {})
    clock.advance(19)
    await settle()
    assert.equal(sent.length, 2, 'the window doubled to 20 ms after a merged diff')
    clock.advance(1)
    await settle()
    assert.deepEqual(
      sent.map((s) => s.at),
      [0, 10, 30],
    )
    await h.close()
  })

  it('never grows the window past maxWindowMs, and starts over once the topic is quiet', async () => {
    const { h, clock, sent, settle } = await paced({
      coalesce: { minWindowMs: 5, maxWindowMs: 15, windowMsPerPresence: 100 },
    })
    let n = 0
    const burst = async () => {
      h.presence.track('o', T, `k${++n}`, {})
      h.presence.track('o', T, `k${++n}`, {})
      await settle()
    }
    await burst()
    for (let i = 0; i < 4; i++) {
      clock.advance(15)
      await settle()
      await burst()
    }
    clock.advance(15)
    await settle()
    clock.advance(100)
    await settle()
    const gaps = sent.slice(1).map((s, i) => s.at - (sent[i]?.at ?? 0))
    assert.ok(
      gaps.every((g) => g <= 15),
      `gaps ${gaps.join(',')} stay within 15 ms`,
    )
    const quietAt = clock.now()
    h.presence.track('o', T, 'late', {})
    await settle()
    assert.equal(sent.at(-1)?.at, quietAt, 'a quiet topic sends at once again')
    await h.close()
  })

  it('grows a topic’s window only as far as its size warrants', async () => {
    // The defaults: 0.05 ms per presence, so 400 presences may reach 20 ms and no more.
    const { h, clock, sent, settle } = await paced()
    for (let i = 0; i < 400; i++) h.presence.track(`o${i}`, T, `k${i}`, {})
    await settle()
    for (let i = 0; i < 10; i++) {
      clock.advance(100) // the topic is quiet again
      await settle()
    }
    const start = sent.length
    for (let i = 0; i < 40; i++) {
      h.presence.track('o', T, `busy${2 * i}`, {})
      h.presence.track('o', T, `busy${2 * i + 1}`, {})
      await settle()
      clock.advance(5)
      await settle()
      await settle() // a merged send takes more turns (enrich): its next window starts now
    }
    const times = sent.slice(start).map((s) => s.at)
    const gaps = times.slice(1).map((t, i) => t - (times[i] ?? 0))
    assert.deepEqual(gaps.slice(0, 2), [10, 20], 'the window doubled from 10 ms to 20 ms')
    // 400-480 presences cap the window at 20-24 ms (fired on the next 5 ms step): it never
    // doubles to 40 ms, as it would in a topic of 800 presences or more.
    assert.ok(
      gaps.every((g) => g <= 25),
      `gaps ${gaps.join(',')} stay within 25 ms`,
    )
    await h.close()
  })

  it('with coalesce: false sends one diff per change, in order', async () => {
    const { h, sent, settle } = await paced({ coalesce: false })
    h.presence.track('o', T, 'a', {})
    h.presence.track('o', T, 'b', {})
    h.presence.untrack('o', T, 'a')
    await settle()
    assert.deepEqual(
      sent.map((s) => keysOf(s.payload)),
      [
        [['a'], []],
        [['b'], []],
        [[], ['a']],
      ],
    )
    await h.close()
  })

  it('refuses windows that make no sense', async () => {
    await assert.rejects(
      paced({ coalesce: { minWindowMs: 50, maxWindowMs: 10 } }),
      /0 <= minWindowMs <= maxWindowMs/,
    )
    for (const windowMsPerPresence of [-1, Number.NaN]) {
      await assert.rejects(
        paced({ coalesce: { windowMsPerPresence } }),
        /windowMsPerPresence must be >= 0/,
      )
    }
  })

  it('sends count-only topics the number of present keys, paced like diffs', async () => {
    const { h, clock, sent, settle } = await paced({ countOnly: (topic) => topic === T })
    h.presence.track('o1', T, 'a', {})
    await settle()
    h.presence.track('o2', T, 'a', {})
    h.presence.track('o2', T, 'b', {})
    h.presence.track('o2', 'room:other', 'c', {})
    clock.advance(10)
    await settle()
    const counts = sent.filter((s) => s.event === 'presence_count').map((s) => s.payload)
    assert.deepEqual(counts, [{ count: 1 }, { count: 2 }])
    assert.ok(
      sent.some((s) => s.event === 'presence_diff'),
      'other topics still get diffs',
    )
    assert.equal(h.presence.count(T), 2)
    await h.close()
  })
})
