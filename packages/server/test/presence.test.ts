// Server Presence (mirrors upstream Phoenix.Presence tests): list/getByKey shapes, the
// presence_diff broadcasts of track/untrack/update/channel exit, errors (delivery and fetch
// ordering: presence-delivery.test.ts). Diffs are observed as a PubSub subscriber of the topic sees them.
import assert from 'node:assert/strict'
import { afterEach, beforeEach, describe, it } from 'node:test'
import { TrackerError } from '@plume/tracker'
import type { PresenceMap } from '@plume/server'
import { FakeChannel, harness, refsByKey, type Harness } from './presence-support.js'

const T = 'room:1'

function plain<T>(value: T): T {
  return JSON.parse(JSON.stringify(value)) as T
}

describe('Presence list and getByKey', () => {
  let h: Harness
  beforeEach(async () => {
    h = await harness({ fetch: (_t, map) => withUsers(map) })
  })
  afterEach(() => h.close())

  it('list is {} for an empty or unknown topic and getByKey is undefined', async () => {
    assert.deepEqual(plain(await h.presence.list('room:none')), {})
    assert.equal(await h.presence.getByKey('room:none', 'u1'), undefined)
    h.presence.track('o1', T, 'u1', {})
    assert.equal(await h.presence.getByKey(T, 'u2'), undefined)
  })

  it('list groups metas by key and applies fetch', async () => {
    const r1 = h.presence.track('o1', T, 'u1', { device: 'web' })
    const r2 = h.presence.track('o2', T, 'u1', { device: 'ios' })
    const r3 = h.presence.track('o1', T, 'u2', {})
    const list = plain(await h.presence.list(T))
    assert.deepEqual(refsByKey(list), { u1: [r1, r2].sort(), u2: [r3] })
    assert.deepEqual(list['u1']?.['user'], { name: 'U1' })
    assert.deepEqual(list['u2']?.['user'], { name: 'U2' })
    const web = list['u1']?.metas.find((m) => m['phx_ref'] === r1)
    assert.deepEqual(web, { device: 'web', phx_ref: r1 })
  })

  it('stringifies keys: 1 is listed as "1" and reachable as 1 or "1"', async () => {
    const ref = h.presence.track('o1', T, 1, {})
    assert.deepEqual(refsByKey(await h.presence.list(T)), { '1': [ref] })
    assert.deepEqual(refsByKey({ '1': (await h.presence.getByKey(T, 1))! }), { '1': [ref] })
    assert.ok(await h.presence.getByKey(T, '1'))
    h.presence.untrack('o1', T, 1)
    assert.deepEqual(plain(await h.presence.list(T)), {})
  })

  it('getByKey returns the fetched entry with the metas of every owner', async () => {
    const r1 = h.presence.track('o1', T, 'u1', { n: 1 })
    const r2 = h.presence.track('o2', T, 'u1', { n: 2 })
    const entry = plain(await h.presence.getByKey(T, 'u1'))!
    assert.deepEqual(entry['user'], { name: 'U1' })
    assert.deepEqual(entry.metas.map((m) => m['phx_ref']).sort(), [r1, r2].sort())
  })

  it('a channel target uses its topic', async () => {
    const ch = new FakeChannel('o1', T)
    const ref = h.presence.track(ch, 'u1', {})
    assert.deepEqual(refsByKey(await h.presence.list(ch)), { u1: [ref] })
    assert.ok(await h.presence.getByKey(ch, 'u1'))
  })
})

describe('Presence default fetch', () => {
  it('is the identity', async () => {
    const h = await harness()
    try {
      const ref = h.presence.track('o1', T, 'u1', { a: 1 })
      assert.deepEqual(plain(await h.presence.list(T)), { u1: { metas: [{ a: 1, phx_ref: ref }] } })
      assert.deepEqual(plain(await h.presence.getByKey(T, 'u1')), {
        metas: [{ a: 1, phx_ref: ref }],
      })
    } finally {
      await h.close()
    }
  })
})

describe('Presence diffs', () => {
  let h: Harness
  beforeEach(async () => {
    h = await harness()
  })
  afterEach(() => h.close())

  it('track broadcasts presence_diff with the join and empty leaves', async () => {
    const diffs = h.spy(T)
    const ref = h.presence.track('o1', T, 'u1', { name: 'a' })
    await h.presence.flushed()
    assert.deepEqual(diffs, [
      { joins: { u1: { metas: [{ name: 'a', phx_ref: ref }] } }, leaves: {} },
    ])
  })

  it('a channel exit broadcasts its leaves and empty joins, and it leaves list', async () => {
    const diffs = h.spy(T)
    const ch = new FakeChannel('o1', T)
    const r1 = h.presence.track(ch, 'u1', {})
    const r2 = h.presence.track(ch, 'u2', {})
    h.presence.track('o2', T, 'u3', {})
    await h.presence.flushed()
    diffs.length = 0
    ch.end()
    await h.presence.flushed()
    assert.equal(diffs.length, 1)
    assert.deepEqual(diffs[0]?.joins, {})
    assert.deepEqual(refsByKey(diffs[0]?.leaves ?? {}), { u1: [r1], u2: [r2] })
    assert.deepEqual(Object.keys(await h.presence.list(T)), ['u3'])
  })

  it('links a channel once however many keys it tracks', () => {
    const ch = new FakeChannel('o1', T)
    h.presence.track(ch, 'u1', {})
    h.presence.track(ch, 'u2', {})
    assert.equal(ch.hookCount, 1)
  })

  it('tracking on a channel that already ended untracks at once', async () => {
    const ch = new FakeChannel('o1', T)
    h.presence.track(ch, 'u1', {})
    ch.end()
    await h.presence.flushed()
    const diffs = h.spy(T)
    const ref = h.presence.track(ch, 'u1', {})
    await h.presence.flushed()
    assert.deepEqual(plain(await h.presence.list(T)), {})
    assert.deepEqual(
      diffs.map((d) => [refsByKey(d.joins), refsByKey(d.leaves)]),
      [
        [{ u1: [ref] }, {}],
        [{}, { u1: [ref] }],
      ],
    )
  })

  it('untrack removes one key only, with a channel or with (owner, topic)', async () => {
    const ch = new FakeChannel('o1', T)
    h.presence.track(ch, 'u1', {})
    const r2 = h.presence.track(ch, 'u2', {})
    const r3 = h.presence.track('o2', T, 'u3', {})
    await h.presence.flushed()
    const diffs = h.spy(T)
    h.presence.untrack(ch, 'u1')
    h.presence.untrack('o2', T, 'u3')
    await h.presence.flushed()
    assert.deepEqual(
      diffs.map((d) => [Object.keys(d.joins), Object.keys(d.leaves)]),
      [
        [[], ['u1']],
        [[], ['u3']],
      ],
    )
    assert.equal(diffs[1]?.leaves['u3']?.metas[0]?.['phx_ref'], r3)
    assert.deepEqual(refsByKey(await h.presence.list(T)), { u2: [r2] })
  })

  it('untrack of nothing is ok and broadcasts nothing', async () => {
    const diffs = h.spy(T)
    h.presence.untrack('nobody', T, 'u1')
    h.presence.untrack(new FakeChannel('o9', T), 'u1')
    h.presence.track('o1', T, 'u1', {})
    h.presence.untrack('o2', T, 'u1')
    await h.presence.flushed()
    assert.equal(diffs.length, 1)
    assert.deepEqual(Object.keys(diffs[0]!.joins), ['u1'])
  })

  it('update is one diff: new meta in joins with phx_ref_prev, old meta in leaves', async () => {
    const ch = new FakeChannel('o1', T)
    const old = h.presence.track(ch, 'u1', { status: 'away' })
    await h.presence.flushed()
    const diffs = h.spy(T)
    const ref = h.presence.update(ch, 'u1', { status: 'online' })
    await h.presence.flushed()
    assert.notEqual(ref, old)
    assert.deepEqual(diffs, [
      {
        joins: { u1: { metas: [{ status: 'online', phx_ref: ref, phx_ref_prev: old }] } },
        leaves: { u1: { metas: [{ status: 'away', phx_ref: old }] } },
      },
    ])
    assert.deepEqual(plain(await h.presence.list(T)), {
      u1: { metas: [{ status: 'online', phx_ref: ref, phx_ref_prev: old }] },
    })
  })

  it('update with a function gets the current meta and works with (owner, topic)', async () => {
    const first = h.presence.track('o1', T, 'u1', { n: 1 })
    const seen: unknown[] = []
    const second = h.presence.update('o1', T, 'u1', (meta) => {
      seen.push({ ...meta })
      return { n: (meta['n'] as number) + 1 }
    })
    assert.deepEqual(seen, [{ n: 1, phx_ref: first }])
    const entry = plain(await h.presence.getByKey(T, 'u1'))!
    assert.deepEqual(entry.metas, [{ n: 2, phx_ref: second, phx_ref_prev: first }])
  })

  it('update without a presence throws NO_PRESENCE and broadcasts nothing', async () => {
    const diffs = h.spy(T)
    assert.throws(() => h.presence.update('o1', T, 'u1', {}), isTrackerError('NO_PRESENCE'))
    h.presence.track('o1', T, 'u1', {})
    await h.presence.flushed()
    assert.throws(
      () => h.presence.update(new FakeChannel('o2', T), 'u1', {}),
      isTrackerError('NO_PRESENCE'),
    )
    await h.presence.flushed()
    assert.equal(diffs.length, 1)
  })

  it('rejects bad input with clear errors', () => {
    h.presence.track('o1', T, 'u1', {})
    assert.throws(() => h.presence.track('o1', T, 'u1', {}), isTrackerError('ALREADY_TRACKED'))
    assert.throws(
      () => h.presence.track('o1', T, 'u2', [] as never),
      isTrackerError('INVALID_ARGUMENT'),
    )
    assert.throws(
      () => h.presence.track('o1', T, {} as never, {}),
      /key must be a string or a finite number/,
    )
    assert.throws(
      () => h.presence.update('o1', T, 'u1', () => 'x' as never),
      isTrackerError('INVALID_ARGUMENT'),
    )
  })
})

function withUsers(map: PresenceMap): PresenceMap {
  const out: PresenceMap = {}
  for (const [key, entry] of Object.entries(map))
    out[key] = { ...entry, user: { name: key.toUpperCase() } }
  return out
}

function isTrackerError(code: string) {
  return (error: unknown): boolean => error instanceof TrackerError && error.code === code
}
