// Port of phoenix_pubsub replica_test.exs plus the restart rules.
import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import { detectDown, heartbeat, parseReplicaRef, permdown, replicaRef } from '@plume/crdt'
import type { ReplicaTable } from '@plume/crdt'

const P = { downPeriod: 5, permdownPeriod: 10 }
const empty: ReplicaTable = new Map()

describe('replica table', () => {
  it('a ref is name#vsn and parses back', () => {
    assert.deepEqual(parseReplicaRef(replicaRef('na#me', 'v1')), { name: 'na#me', vsn: 'v1' })
    assert.throws(() => replicaRef('', 1))
    assert.throws(() => replicaRef('n', 'a#b'))
    assert.throws(() => parseReplicaRef('nohash'))
    const trap = { toString: null } as unknown as string
    assert.throws(() => replicaRef('n', trap), { name: 'CrdtError', code: 'INVALID_ARGUMENT' })
    assert.throws(() => parseReplicaRef(trap), { name: 'CrdtError', code: 'INVALID_INPUT' })
  })

  it('a heartbeat from an unknown name adds it up', () => {
    const r = heartbeat(empty, replicaRef('new', 1), 100)
    assert.equal(r.previous, undefined)
    assert.deepEqual(r.table.get('new'), {
      ref: 'new#1',
      name: 'new',
      vsn: '1',
      lastHeartbeatAt: 100,
      status: 'up',
    })
    assert.deepEqual(r.transitions, [{ kind: 'up', ref: 'new#1' }])
  })

  it('a heartbeat from a known name refreshes it (and brings it up if down)', () => {
    for (const status of ['up', 'down'] as const) {
      const t: ReplicaTable = new Map([
        ['x', { ref: 'x#1', name: 'x', vsn: '1', lastHeartbeatAt: 1, status }],
      ])
      const r = heartbeat(t, 'x#1', 7)
      assert.equal(r.previous?.status, status)
      assert.deepEqual(r.table.get('x'), {
        ref: 'x#1',
        name: 'x',
        vsn: '1',
        lastHeartbeatAt: 7,
        status: 'up',
      })
      assert.deepEqual(r.transitions, status === 'up' ? [] : [{ kind: 'up', ref: 'x#1' }])
    }
  })

  it('a new vsn is a restart: down (if up) and permdown of the old one, then up', () => {
    const up: ReplicaTable = new Map([
      ['x', { ref: 'x#1', name: 'x', vsn: '1', lastHeartbeatAt: 1, status: 'up' }],
    ])
    assert.deepEqual(
      heartbeat(up, 'x#2', 5).transitions.map((t) => `${t.kind} ${t.ref}`),
      ['down x#1', 'permdown x#1', 'up x#2'],
    )
    const down: ReplicaTable = new Map([
      ['x', { ref: 'x#1', name: 'x', vsn: '1', lastHeartbeatAt: 1, status: 'down' }],
    ])
    assert.deepEqual(
      heartbeat(down, 'x#2', 5).transitions.map((t) => `${t.kind} ${t.ref}`),
      ['permdown x#1', 'up x#2'],
    )
  })

  it('detectDown: past the down period a replica goes down', () => {
    const { table } = heartbeat(empty, 'tempdown#1', 0)
    const r = detectDown(table, 6, P)
    assert.equal(r.table.get('tempdown')?.status, 'down')
    assert.deepEqual(r.transitions, [{ kind: 'down', ref: 'tempdown#1' }])
    assert.deepEqual(detectDown(r.table, 7, P).transitions, [], 'down is reported once')
  })

  it('detectDown: past the permdown period it is removed and reported as permdown', () => {
    const { table } = heartbeat(empty, 'gone#1', 0)
    const r = detectDown(table, 11, P)
    assert.equal(r.table.has('gone'), false)
    assert.deepEqual(
      r.transitions.map((t) => t.kind),
      ['down', 'permdown'],
    )
  })

  it('detectDown: an up replica inside the period is unchanged', () => {
    const { table } = heartbeat(empty, 'up#1', 3)
    const r = detectDown(table, 3, P)
    assert.deepEqual(r.transitions, [])
    assert.deepEqual(r.table, table)
  })

  it('permdown applies only to the exact incarnation', () => {
    const { table } = heartbeat(empty, 'x#2', 3)
    assert.deepEqual(permdown(table, 'x#1').transitions, [])
    const r = permdown(table, 'x#2')
    assert.deepEqual(
      r.transitions.map((t) => t.kind),
      ['down', 'permdown'],
    )
    assert.equal(r.table.size, 0)
  })
})
