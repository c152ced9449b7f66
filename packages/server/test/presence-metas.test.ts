// onMetas, Phoenix's handle_metas: handlers get each diff and the topic's
// presences `key -> metas`: topics created, keys and metas appended, metas removed, empty
// keys and topics dropped; snapshots stay stable; late handlers see the full topic.
import assert from 'node:assert/strict'
import { afterEach, beforeEach, describe, it } from 'node:test'
import type { DiffPayload } from '@plume/server'
import { harness, type Harness } from './presence-support.js'

type Call = {
  topic: string
  diff: DiffPayload
  presences: ReadonlyMap<string, ReadonlyArray<Record<string, unknown>>>
}

/** The presences of a call as `{key: [phx_ref…]}`, in meta order. */
function refs(call: Call | undefined): Record<string, string[]> {
  const out: Record<string, string[]> = {}
  for (const [key, metas] of call?.presences ?? [])
    out[key] = metas.map((m) => String(m['phx_ref']))
  return out
}

describe('Presence onMetas', () => {
  let h: Harness
  let calls: Call[]
  beforeEach(async () => {
    h = await harness()
    calls = []
    h.presence.onMetas((topic, diff, presences) => calls.push({ topic, diff, presences }))
  })
  afterEach(() => h.close())

  it('creates topics, appends keys and metas, removes metas, keys and topics', () => {
    const a = h.presence.track('o1', 't1', 'u1', {})
    assert.equal(calls[0]?.topic, 't1')
    assert.deepEqual(refs(calls[0]), { u1: [a] })
    assert.deepEqual(Object.keys(calls[0]?.diff.joins ?? {}), ['u1'])
    const b = h.presence.track('o2', 't1', 'u1', {})
    assert.deepEqual(refs(calls[1]), { u1: [a, b] })
    const c = h.presence.track('o1', 't1', 'u2', {})
    assert.deepEqual(refs(calls[2]), { u1: [a, b], u2: [c] })
    h.presence.untrack('o1', 't1', 'u1')
    assert.deepEqual(refs(calls[3]), { u1: [b], u2: [c] }, 'the other metas stay')
    assert.deepEqual(Object.keys(calls[3]!.diff.leaves), ['u1'])
    h.presence.untrack('o2', 't1', 'u1')
    assert.deepEqual(refs(calls[4]), { u2: [c] }, 'a key with no metas is removed')
    h.presence.untrack('o1', 't1', 'u2')
    assert.deepEqual(refs(calls[5]), {}, 'the topic is empty')
    const d = h.presence.track('o1', 't1', 'u3', {})
    assert.deepEqual(refs(calls[6]), { u3: [d] }, 'a removed topic starts afresh')
  })

  it('keeps topics apart', () => {
    const a = h.presence.track('o1', 't1', 'u1', {})
    const b = h.presence.track('o1', 't2', 'u1', {})
    assert.deepEqual([calls[1]?.topic, refs(calls[1])], ['t2', { u1: [b] }])
    h.presence.untrack('o1', 't2', 'u1')
    h.presence.track('o2', 't1', 'u2', {})
    assert.deepEqual(Object.keys(refs(calls[3])), ['u1', 'u2'])
    assert.deepEqual(refs(calls[3])['u1'], [a])
  })

  it('an update replaces the meta', () => {
    const a = h.presence.track('o1', 't1', 'u1', { s: 1 })
    const b = h.presence.update('o1', 't1', 'u1', { s: 2 })
    assert.deepEqual(refs(calls[1]), { u1: [b] })
    assert.deepEqual(calls[1]?.presences.get('u1')?.[0], { s: 2, phx_ref: b, phx_ref_prev: a })
  })

  it('hands out snapshots that later diffs do not change', () => {
    const a = h.presence.track('o1', 't1', 'u1', {})
    h.presence.track('o2', 't1', 'u2', {})
    h.presence.untrack('o1', 't1', 'u1')
    assert.deepEqual(refs(calls[0]), { u1: [a] })
    assert.equal(calls[1]?.presences.size, 2)
  })

  it('a handler added late sees the whole topic', () => {
    const a = h.presence.track('o1', 't1', 'u1', {})
    const late: Call[] = []
    h.presence.onMetas((topic, diff, presences) => late.push({ topic, diff, presences }))
    const b = h.presence.track('o2', 't1', 'u2', {})
    assert.deepEqual(refs(late[0]), { u1: [a], u2: [b] })
    h.presence.untrack('o1', 't1', 'u1')
    assert.deepEqual(refs(late[1]), { u2: [b] })
  })

  it('the disposer stops calls', () => {
    const dispose = h.presence.onMetas(() => assert.fail('disposed handler called'))
    dispose()
    const a = h.presence.track('o1', 't1', 'u1', {})
    assert.deepEqual(refs(calls[0]), { u1: [a] })
  })

  it('a handler added after all others left sees the current topic, not a stale one', async () => {
    const other = await harness()
    try {
      const dispose = other.presence.onMetas(() => undefined)
      other.presence.track('o1', 't1', 'u1', {})
      dispose()
      other.presence.untrack('o1', 't1', 'u1')
      const b = other.presence.track('o1', 't1', 'u2', {})
      const seen: Call[] = []
      other.presence.onMetas((topic, diff, presences) => seen.push({ topic, diff, presences }))
      const c = other.presence.track('o2', 't1', 'u3', {})
      assert.deepEqual(refs(seen[0]), { u2: [b], u3: [c] })
    } finally {
      await other.close()
    }
  })

  it('a throwing handler is reported; other handlers and the broadcast still run', async () => {
    h.presence.onMetas(() => {
      throw new Error('handler boom')
    })
    const after: string[] = []
    h.presence.onMetas((topic) => after.push(topic))
    const diffs = h.spy('t1')
    h.presence.track('o1', 't1', 'u1', {})
    await h.presence.flushed()
    assert.deepEqual(after, ['t1'])
    assert.equal(calls.length, 1)
    assert.equal(diffs.length, 1)
    assert.deepEqual(
      h.errors.map((e) => (e as Error).message),
      ['handler boom'],
    )
  })
})
