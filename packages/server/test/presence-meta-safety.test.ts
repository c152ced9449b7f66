// Server Presence surfaces the tracker's meta checks: a meta the wire cannot carry is refused
// with TrackerError INVALID_META before any diff goes out, and prototype-named topics, keys
// and meta keys reach list/getByKey and presence_diff as ordinary entries.
import assert from 'node:assert/strict'
import { afterEach, beforeEach, describe, it } from 'node:test'
import { TrackerError } from '@plume/tracker'
import type { PresenceEntry } from '@plume/server'
import { harness, refsByKey, type Harness } from './presence-support.js'

const isInvalidMeta = (e: unknown): boolean =>
  e instanceof TrackerError && e.code === 'INVALID_META'

describe('Presence meta safety', () => {
  let h: Harness
  beforeEach(async () => {
    h = await harness()
  })
  afterEach(() => h.close())

  it('track and update refuse a non-JSON or oversized meta and broadcast nothing for it', async () => {
    const diffs = h.spy('room:1')
    const ref = h.presence.track('o1', 'room:1', 'u1', { ok: true })
    assert.throws(() => h.presence.track('o2', 'room:1', 'u2', { n: 1n }), isInvalidMeta)
    assert.throws(() => h.presence.track('o2', 'room:1', 'u2', { m: new Map() }), isInvalidMeta)
    assert.throws(
      () => h.presence.track('o2', 'room:1', 'u2', { s: 'x'.repeat(5000) }),
      isInvalidMeta,
    )
    assert.throws(() => h.presence.update('o1', 'room:1', 'u1', { n: NaN }), isInvalidMeta)
    await h.presence.flushed()
    assert.deepEqual(refsByKey(await h.presence.list('room:1')), { u1: [ref] })
    assert.equal(diffs.length, 1)
    assert.deepEqual(Object.keys(diffs[0]?.joins ?? {}), ['u1'])
  })

  it('prototype-named topics, keys and meta keys round-trip without pollution', async () => {
    for (const name of ['__proto__', 'constructor', 'hasOwnProperty']) {
      const meta = JSON.parse(`{"__proto__": {"polluted": 1}, "constructor": "${name}"}`) as Record<
        string,
        unknown
      >
      const ref = h.presence.track(`o-${name}`, name, name, meta)
      const list = await h.presence.list(name)
      assert.deepEqual(Object.keys(list), [name])
      const entry = Object.getOwnPropertyDescriptor(list, name)?.value as PresenceEntry | undefined
      assert.deepEqual(
        entry?.metas.map((m) => m['phx_ref']),
        [ref],
      )
      const got = (await h.presence.getByKey(name, name))?.metas[0]
      assert.ok(got && Object.hasOwn(got, '__proto__'))
      assert.equal(got['constructor'], name)
    }
    assert.equal(({} as Record<string, unknown>)['polluted'], undefined)
  })
})
