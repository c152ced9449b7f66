// Metas the wire cannot carry are refused at track/update, so they never reach a heartbeat
// or transfer; and prototype-named topics, keys and meta keys are ordinary strings.
import assert from 'node:assert/strict'
import { afterEach, describe, it } from 'node:test'
import { TrackerError } from '@plume/tracker'
import type { Logger } from '@plume/pubsub'
import { Cluster, keysOf, PERIOD } from './support/cluster.js'

let cluster: Cluster | undefined
afterEach(async () => {
  await cluster?.teardown()
  cluster = undefined
})

function cyclic(): Record<string, unknown> {
  const m: Record<string, unknown> = { a: 1 }
  m['self'] = m
  return m
}

function deep(levels: number): Record<string, unknown> {
  let m: Record<string, unknown> = {}
  for (let i = 0; i < levels; i++) m = { m }
  return m
}

class Point {
  x = 1
}

const BAD: Array<[string, unknown]> = [
  ['bigint', { n: 10n }],
  ['NaN', { n: Number.NaN }],
  ['Infinity', { n: [1, Number.POSITIVE_INFINITY] }],
  ['function', { f: () => 1 }],
  ['symbol', { s: Symbol('x') }],
  ['undefined in an array', { a: [1, undefined] }],
  ['undefined value', { u: undefined }],
  ['sparse array', { a: [1, , 3] }], // eslint-disable-line no-sparse-arrays
  ['Map', { m: new Map() }],
  ['Set', { s: new Set([1]) }],
  ['Date', { d: new Date(0) }],
  ['class instance', { p: new Point() }],
  ['Uint8Array', { b: new Uint8Array(2) }],
  ['cycle', cyclic()],
  ['too deep', deep(40)],
  ['oversized', { s: 'x'.repeat(5000) }],
  ['oversized in UTF-8', { s: 'é'.repeat(2100) }],
]

function recordingLogger(warnings: string[]): Logger {
  const noop = (): void => {}
  return { debug: noop, info: noop, warn: (m) => warnings.push(m), error: (m) => warnings.push(m) }
}

describe('metas the wire cannot carry', () => {
  for (const [name, meta] of BAD) {
    it(`track refuses a meta with a ${name} (INVALID_META) and stores nothing`, async () => {
      const c = (cluster = new Cluster())
      const a = await c.add('a')
      assert.throws(
        () => a.tracker.track('o', 'room', 'bad', meta as Record<string, unknown>),
        (e: unknown) => e instanceof TrackerError && e.code === 'INVALID_META',
      )
      assert.deepEqual(a.tracker.list('room'), [])
      assert.deepEqual(a.diffs, [])
    })
  }

  it('update refuses a bad meta and keeps the old one', async () => {
    const c = (cluster = new Cluster())
    const a = await c.add('a')
    const ref = a.tracker.track('o', 'room', 'alice', { v: 1 })
    for (const [, meta] of BAD) {
      assert.throws(
        () => a.tracker.update('o', 'room', 'alice', meta as Record<string, unknown>),
        (e: unknown) => e instanceof TrackerError && e.code === 'INVALID_META',
      )
      assert.throws(
        () => a.tracker.update('o', 'room', 'alice', () => meta as Record<string, unknown>),
        (e: unknown) => e instanceof TrackerError && e.code === 'INVALID_META',
      )
    }
    assert.deepEqual(a.tracker.list('room'), [['alice', { v: 1, phx_ref: ref }]])
  })

  it('names the offending path in the message', async () => {
    const a = await (cluster = new Cluster()).add('a')
    assert.throws(() => a.tracker.track('o', 'r', 'k', { x: { y: [0, 1n] } }), /meta\.x\.y\[1\]/)
  })

  it('maxMetaBytes is configurable and counts UTF-8 bytes of the JSON', async () => {
    const a = await (cluster = new Cluster()).add('a', { maxMetaBytes: 20 })
    a.tracker.track('o', 'r', 'fits', { s: 'x'.repeat(12) }) // {"s":"xxxxxxxxxxxx"} = 20 bytes
    assert.throws(() => a.tracker.track('o', 'r', 'over', { s: 'x'.repeat(13) }), /21 bytes/)
  })

  it('refused metas leave replication unharmed: other presences converge on a second node', async () => {
    const c = (cluster = new Cluster())
    const warnings: string[] = []
    const a = await c.add('a', { logger: recordingLogger(warnings) })
    const b = await c.add('b', { logger: recordingLogger(warnings) })
    a.tracker.track('o1', 'room', 'alice', { ok: true })
    for (const [name, meta] of BAD) {
      assert.throws(() => a.tracker.track('o2', 'room', name, meta as Record<string, unknown>))
    }
    a.tracker.track('o3', 'room', 'carol', { n: 3 })
    await c.advance(4 * PERIOD)
    assert.deepEqual(keysOf(b.tracker.list('room')), ['alice', 'carol'])
    a.tracker.update('o3', 'room', 'carol', { n: 4 })
    await c.advance(2 * PERIOD)
    assert.equal(b.tracker.list('room').find(([k]) => k === 'carol')?.[1]['n'], 4)
    assert.deepEqual(warnings, [])
  })
})

describe('prototype-named topics, keys and meta keys', () => {
  const NAMES = ['__proto__', 'constructor', 'hasOwnProperty', 'toString', 'prototype']

  it('track, list, getByKey, update and untrack them on two nodes without pollution', async () => {
    const c = (cluster = new Cluster())
    const a = await c.add('a')
    const b = await c.add('b')
    for (const t of NAMES) {
      for (const k of NAMES) {
        const meta = JSON.parse(
          `{"__proto__": {"polluted": true}, "constructor": "${t}", "hasOwnProperty": "${k}"}`,
        ) as Record<string, unknown>
        a.tracker.track(`o-${k}`, t, k, meta)
      }
    }
    await c.advance(4 * PERIOD)
    for (const t of NAMES) {
      assert.deepEqual(keysOf(b.tracker.list(t)), [...NAMES].sort())
      const [[owner, meta]] = b.tracker.getByKey(t, '__proto__') as [
        [string, Record<string, unknown>],
      ]
      assert.equal(owner, 'o-__proto__')
      assert.ok(Object.hasOwn(meta, '__proto__'))
      assert.deepEqual(meta['__proto__'], { polluted: true })
      assert.equal(meta['constructor'], t)
      assert.equal(Object.getOwnPropertyDescriptor(meta, 'hasOwnProperty')?.value, '__proto__')
    }
    a.tracker.update('o-constructor', 'hasOwnProperty', 'constructor', { constructor: 1 })
    a.tracker.untrack('o-__proto__', '__proto__', '__proto__')
    await c.advance(2 * PERIOD)
    assert.equal(b.tracker.getByKey('hasOwnProperty', 'constructor')[0]?.[1]['constructor'], 1)
    assert.equal(b.tracker.getByKey('__proto__', '__proto__').length, 0)
    assert.equal(({} as Record<string, unknown>)['polluted'], undefined)
    assert.equal(Object.prototype.hasOwnProperty.call(Object.prototype, 'polluted'), false)
  })
})
