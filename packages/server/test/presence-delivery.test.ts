// Presence diff delivery: a custom sink and event name, fetch enrichment run
// concurrently yet delivered in production order, failures of fetch or the sink reported
// without losing or stalling diffs, and lifecycle edges.
import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import { TrackerError } from '@plume/tracker'
import type { PresenceMap } from '@plume/server'
import { deferred, FakeChannel, harness, turn, type Deferred } from './presence-support.js'

const T = 'room:1'

function plain<T>(value: T): T {
  return JSON.parse(JSON.stringify(value)) as T
}

describe('Presence sink and event name', () => {
  it('sends every diff to a custom sink under a custom event', async () => {
    const sent: Array<[string, string, unknown]> = []
    const h = await harness({
      sink: {
        localBroadcast: (topic, event, payload) => sent.push([topic, event, plain(payload)]),
      },
      diffEvent: 'the_diff',
    })
    try {
      const ref = h.presence.track('o1', T, 'u1', {})
      await h.presence.flushed()
      assert.deepEqual(sent, [
        [T, 'the_diff', { joins: { u1: { metas: [{ phx_ref: ref }] } }, leaves: {} }],
      ])
    } finally {
      await h.close()
    }
  })
})

// Windows off: a diff waiting behind a fetch goes out as soon as the fetch settles, so the
// tests wait on the fetch calls themselves and never on a real timer.
const NO_WINDOWS = { minWindowMs: 0, maxWindowMs: 0 }

describe('Presence fetch on diffs', () => {
  it('keeps one fetch in flight per topic and merges what arrives meanwhile into the next diff', async () => {
    const calls: Array<{ keys: string[]; done: Deferred<void> }> = []
    const h = await harness({
      coalesce: NO_WINDOWS,
      fetch: async (_topic, map) => {
        const done = deferred<void>()
        calls.push({ keys: Object.keys(map), done })
        await done.promise
        return withUsers(map)
      },
    })
    try {
      const diffs = h.spy(T)
      h.presence.track('o1', T, 'a', {})
      h.presence.track('o1', T, 'b', {})
      h.presence.track('o1', T, 'c', {})
      h.presence.untrack('o1', T, 'b')
      await turn()
      assert.deepEqual(
        calls.map((c) => c.keys),
        [['a']],
        'later diffs wait, they do not queue fetches',
      )
      calls[0]!.done.resolve()
      await waitForCalls(calls, 2)
      assert.deepEqual(
        calls[1]!.keys,
        ['c'],
        'b joined and left inside the batch: it cancelled out',
      )
      calls[1]!.done.resolve()
      await h.presence.flushed()
      assert.deepEqual(
        diffs.map((d) => [Object.keys(d.joins), Object.keys(d.leaves)]),
        [
          [['a'], []],
          [['c'], []],
        ],
      )
      assert.deepEqual(diffs[1]?.joins['c']?.['user'], { name: 'C' })
    } finally {
      await h.close()
    }
  })

  it('a failing fetch reports the error and still delivers the diff, unenriched, in order', async () => {
    const gates: Array<Deferred<void>> = []
    const unhandled: unknown[] = []
    const onUnhandled = (reason: unknown): void => void unhandled.push(reason)
    process.on('unhandledRejection', onUnhandled)
    const h = await harness({
      coalesce: NO_WINDOWS,
      fetch: async (_t, map) => {
        const gate = deferred<void>()
        gates.push(gate)
        await gate.promise
        return withUsers(map)
      },
    })
    try {
      const diffs = h.spy(T)
      h.presence.track('o1', T, 'a', {})
      h.presence.track('o1', T, 'b', {})
      await turn()
      gates[0]!.reject(new Error('fetch boom'))
      const flushed = h.presence.flushed()
      await waitForCalls(gates, 2)
      gates[1]!.resolve()
      await flushed
      assert.deepEqual(unhandled, [])
      assert.deepEqual(
        h.errors.map((e) => (e as Error).message),
        ['fetch boom'],
      )
      assert.deepEqual(
        diffs.map((d) => Object.keys(d.joins)),
        [['a'], ['b']],
      )
      assert.equal(diffs[0]?.joins['a']?.['user'], undefined)
      assert.deepEqual(diffs[1]?.joins['b']?.['user'], { name: 'B' })
    } finally {
      process.off('unhandledRejection', onUnhandled)
      await h.close()
    }
  })

  it('a sink that throws does not stall later diffs', async () => {
    let calls = 0
    const h = await harness({
      sink: {
        localBroadcast: () => {
          if (++calls === 1) throw new Error('sink boom')
        },
      },
    })
    try {
      h.presence.track('o1', T, 'a', {})
      h.presence.track('o1', T, 'b', {})
      await h.presence.flushed()
      assert.equal(calls, 2)
      assert.deepEqual(
        h.errors.map((e) => (e as Error).message),
        ['sink boom'],
      )
    } finally {
      await h.close()
    }
  })
})

describe('Presence lifecycle', () => {
  it('a channel ending after stop() is not an error', async () => {
    const h = await harness()
    const ch = new FakeChannel('o1', T)
    h.presence.track(ch, 'u1', {})
    await h.close()
    assert.doesNotThrow(() => ch.end())
    assert.deepEqual(h.errors, [])
  })

  it('writes before start throw NOT_STARTED', async () => {
    const { PubSub, silentLogger } = await import('@plume/pubsub')
    const { Tracker } = await import('@plume/tracker')
    const { Presence } = await import('@plume/server')
    const pubsub = new PubSub({ logger: silentLogger })
    const tracker = new Tracker({ pubsub, logger: silentLogger })
    const presence = new Presence({ tracker, sink: { localBroadcast: () => undefined } })
    assert.throws(() => presence.track('o1', T, 'u1', {}), isTrackerError('NOT_STARTED'))
    await presence.stop()
    await pubsub.close()
  })
})

// The next fetch starts a few promise turns after the previous diff is broadcast.
async function waitForCalls(calls: readonly unknown[], n: number): Promise<void> {
  for (let i = 0; i < 500 && calls.length < n; i++) await turn()
  assert.equal(calls.length, n, `expected fetch call ${n}`)
}

function withUsers(map: PresenceMap): PresenceMap {
  const out: PresenceMap = {}
  for (const [key, entry] of Object.entries(map))
    out[key] = { ...entry, user: { name: key.toUpperCase() } }
  return out
}

function isTrackerError(code: string) {
  return (error: unknown): boolean => error instanceof TrackerError && error.code === code
}
