// Presence sync semantics: pure syncState/syncDiff/list, and the instance
// buffering diffs until the state of the current join arrives.
import assert from 'node:assert/strict'
import { beforeEach, describe, it } from 'node:test'
import { Presence, Socket, type PresenceState } from '@plume/client'
import { FakeTransport } from './support/fake-transport.js'
import { ManualScheduler } from '@plume/tracker'

type Meta = { id?: number; phx_ref: string; phx_ref_prev?: string }
const plain = (v: unknown): unknown => JSON.parse(JSON.stringify(v))
const fixtures = () => ({
  joins: { u1: { metas: [{ id: 1, phx_ref: '1.2' }] } },
  leaves: { u2: { metas: [{ id: 2, phx_ref: '2' }] } },
  state: {
    u1: { metas: [{ id: 1, phx_ref: '1' }] },
    u2: { metas: [{ id: 2, phx_ref: '2' }] },
    u3: { metas: [{ id: 3, phx_ref: '3' }] },
  } as PresenceState<Meta>,
})

describe('Presence.syncState', () => {
  it('does not mutate the input and equals the server state', () => {
    const state = { u1: { metas: [{ id: 1, phx_ref: '1' }] } }
    const before = plain(state)
    const next = { u2: { metas: [{ id: 2, phx_ref: '2' }] } }
    const result = Presence.syncState(state, next)
    assert.deepEqual(plain(state), before)
    assert.deepEqual(plain(result), next)
  })

  it('calls onJoin for new keys (current undefined) and onLeave for removed keys', () => {
    const joined: unknown[] = []
    const left: unknown[] = []
    const state = { u1: { metas: [{ id: 1, phx_ref: '1' }] } }
    const next = { u2: { metas: [{ id: 2, phx_ref: '2' }] } }
    Presence.syncState(
      state,
      next,
      (key, cur, p) => joined.push([key, cur, plain(p)]),
      (key, cur, p) => left.push([key, plain(cur), plain(p)]),
    )
    assert.deepEqual(joined, [['u2', undefined, { metas: [{ id: 2, phx_ref: '2' }] }]])
    assert.deepEqual(left, [['u1', { metas: [] }, { metas: [{ id: 1, phx_ref: '1' }] }]])
  })

  it('reports only newly added metas as joins for an existing key', () => {
    const state = { u3: { metas: [{ id: 3, phx_ref: '3' }] } }
    const next = {
      u3: {
        metas: [
          { id: 3, phx_ref: '3' },
          { id: 3, phx_ref: '3.new' },
        ],
      },
    }
    const joins: unknown[] = []
    const result = Presence.syncState(state, next, (key, cur, p) =>
      joins.push([key, plain(cur), plain(p)]),
    )
    assert.deepEqual(plain(result), next)
    assert.deepEqual(joins, [
      ['u3', { metas: [{ id: 3, phx_ref: '3' }] }, { metas: [{ id: 3, phx_ref: '3.new' }] }],
    ])
  })
})

describe('Presence.syncDiff', () => {
  it('adds joins to an empty state', () => {
    const { joins } = fixtures()
    assert.deepEqual(plain(Presence.syncDiff({}, { joins, leaves: {} })), joins)
  })

  it('removes emptied keys, appends joined metas after existing ones, leaves inputs alone', () => {
    const { joins, leaves, state } = fixtures()
    const before = plain(state)
    const diff = { joins, leaves }
    const diffBefore = plain(diff)
    const result = Presence.syncDiff(state, diff)
    assert.deepEqual(plain(result), {
      u1: {
        metas: [
          { id: 1, phx_ref: '1' },
          { id: 1, phx_ref: '1.2' },
        ],
      },
      u3: { metas: [{ id: 3, phx_ref: '3' }] },
    })
    assert.deepEqual(plain(state), before)
    assert.deepEqual(plain(diff), diffBefore)
  })

  it('removes only the left metas and keeps the key when metas remain', () => {
    const state = {
      u1: {
        metas: [
          { id: 1, phx_ref: '1' },
          { id: 1, phx_ref: '1.2' },
        ],
      },
    }
    const result = Presence.syncDiff(state, {
      joins: {},
      leaves: { u1: { metas: [{ id: 1, phx_ref: '1' }] } },
    })
    assert.deepEqual(plain(result), { u1: { metas: [{ id: 1, phx_ref: '1.2' }] } })
  })

  it('an update (leave + join) replaces the meta; onJoin sees the previous presence', () => {
    const state = { u1: { metas: [{ id: 1, phx_ref: 'a' }] } }
    const calls: unknown[] = []
    const result = Presence.syncDiff(
      state,
      {
        joins: { u1: { metas: [{ id: 2, phx_ref: 'b', phx_ref_prev: 'a' }] } },
        leaves: { u1: { metas: [{ id: 1, phx_ref: 'a' }] } },
      },
      (k, cur, p) => calls.push(['join', k, plain(cur), plain(p)]),
      (k, cur, p) => calls.push(['leave', k, plain(cur), plain(p)]),
    )
    const next = { id: 2, phx_ref: 'b', phx_ref_prev: 'a' }
    assert.deepEqual(calls, [
      ['join', 'u1', { metas: [{ id: 1, phx_ref: 'a' }] }, { metas: [next] }],
      ['leave', 'u1', { metas: [next] }, { metas: [{ id: 1, phx_ref: 'a' }] }],
    ])
    assert.deepEqual(plain(result), { u1: { metas: [next] } })
  })
})

describe('Presence keys that collide with Object.prototype', () => {
  it('handles __proto__, constructor and hasOwnProperty as plain keys', () => {
    const names = ['__proto__', 'constructor', 'hasOwnProperty']
    const wire = `{${names.map((n, i) => `"${n}":{"metas":[{"phx_ref":"${i}"}]}`).join(',')}}`
    const next = JSON.parse(wire) as PresenceState<Meta>
    const state = Presence.syncState({}, next)
    assert.equal(Object.getPrototypeOf(state), null)
    assert.deepEqual(Object.getOwnPropertyNames(state).sort(), [...names].sort())
    assert.deepEqual(
      Presence.list(state, (k, p) => `${k}:${p.metas.length}`).sort(),
      names.map((n) => `${n}:1`).sort(),
    )
    const diffed = Presence.syncDiff(state, {
      joins: {},
      leaves: JSON.parse(wire) as PresenceState<Meta>,
    })
    assert.deepEqual(Object.getOwnPropertyNames(diffed), [])
    assert.equal(Object.getPrototypeOf(diffed), null)
    assert.equal(({} as Record<string, unknown>)['metas'], undefined, 'Object.prototype untouched')
  })
})

describe('Prototype keys as topics, presence keys and meta keys over a socket', () => {
  it('join, sync and diff on such topics keep every key as plain data and pollute nothing', () => {
    FakeTransport.reset()
    const clock = new ManualScheduler()
    const socket = new Socket('ws://h/socket', {
      transport: FakeTransport,
      scheduler: clock,
      page: null,
    })
    socket.connect()
    const t = FakeTransport.last
    t.open()
    const names = ['__proto__', 'constructor', 'hasOwnProperty']
    // Meta keys arrive as JSON, where "__proto__" is an own key, not a prototype.
    const meta = (ref: string) =>
      JSON.parse(
        `{"phx_ref":"${ref}","__proto__":{"polluted":1},"constructor":1,"hasOwnProperty":2}`,
      ) as Meta
    const seen: string[] = []
    for (const topic of names) {
      const channel = socket.channel(topic)
      const presence = new Presence<Meta>(channel)
      presence.onSync(() =>
        seen.push(`${topic}=${presence.list((key, p) => `${key}:${p.metas.length}`).join(',')}`),
      )
      channel.join()
      t.reply('phx_join')
      const state = JSON.parse(
        `{${names.map((n) => `"${n}":{"metas":[]}`).join(',')}}`,
      ) as PresenceState<Meta>
      for (const n of names) state[n] = { metas: [meta(`${topic}.${n}`)] }
      t.receive(channel.joinRef(), null, topic, 'presence_state', state)
      const leaves = JSON.parse('{"__proto__":{"metas":[]}}') as PresenceState<Meta>
      leaves['__proto__'] = { metas: [meta(`${topic}.__proto__`)] }
      t.receive(channel.joinRef(), null, topic, 'presence_diff', { joins: {}, leaves })
      const kept = Presence.list(presence.state, (_k, p) => p.metas[0])[0] as Record<
        string,
        unknown
      >
      assert.deepEqual(Object.keys(kept).sort(), [
        '__proto__',
        'constructor',
        'hasOwnProperty',
        'phx_ref',
      ])
      assert.equal(Object.getPrototypeOf(kept), Object.prototype, 'a meta keeps its own prototype')
    }
    assert.deepEqual(seen, [
      '__proto__=__proto__:1,constructor:1,hasOwnProperty:1',
      '__proto__=constructor:1,hasOwnProperty:1',
      'constructor=__proto__:1,constructor:1,hasOwnProperty:1',
      'constructor=constructor:1,hasOwnProperty:1',
      'hasOwnProperty=__proto__:1,constructor:1,hasOwnProperty:1',
      'hasOwnProperty=constructor:1,hasOwnProperty:1',
    ])
    assert.deepEqual(
      socket.channels.map((c) => c.topic),
      names,
    )
    const probe = {} as Record<string, unknown>
    assert.equal(probe['polluted'], undefined, 'Object.prototype untouched')
    assert.equal(typeof probe['hasOwnProperty'], 'function')
    socket.disconnect()
  })
})

describe('Presence.list', () => {
  it('returns full presences by default, or the chooser result per key', () => {
    const state = {
      u1: {
        metas: [
          { id: 1, phx_ref: '1' },
          { id: 1, phx_ref: '1.2' },
        ],
      },
      u2: { metas: [{ id: 2, phx_ref: '2' }] },
    }
    assert.deepEqual(Presence.list(state), [state.u1, state.u2])
    assert.deepEqual(
      Presence.list(state, (key, { metas: [first, ...rest] }) => [key, first?.id, rest.length]),
      [
        ['u1', 1, 1],
        ['u2', 2, 0],
      ],
    )
  })
})

describe('Presence instance', () => {
  let clock: ManualScheduler
  let socket: Socket
  beforeEach(() => {
    FakeTransport.reset()
    clock = new ManualScheduler()
    socket = new Socket('ws://test/socket', {
      transport: FakeTransport,
      scheduler: clock,
      page: null,
    })
    socket.connect()
    FakeTransport.last.open()
  })

  const joinedChannel = (events?: { state: string; diff: string }) => {
    const channel = socket.channel('room:1')
    const presence = new Presence<{ id: number }>(channel, events ? { events } : {})
    channel.join()
    FakeTransport.last.reply('phx_join')
    return { channel, presence, joinRef: channel.joinRef() }
  }

  it('applies the state, then diffs, with onSync after each', () => {
    const { presence, joinRef } = joinedChannel()
    let syncs = 0
    presence.onSync(() => syncs++)
    const t = FakeTransport.last
    t.receive(joinRef, null, 'room:1', 'presence_state', {
      u1: { metas: [{ id: 1, phx_ref: '1' }] },
    })
    assert.equal(syncs, 1)
    t.receive(null, null, 'room:1', 'presence_diff', {
      joins: { u2: { metas: [{ id: 2, phx_ref: '2' }] } },
      leaves: { u1: { metas: [{ id: 1, phx_ref: '1' }] } },
    })
    assert.equal(syncs, 2)
    assert.deepEqual(
      presence.list((id) => id),
      ['u2'],
    )
  })

  it('buffers diffs until the state, then replays them with joins and leaves', () => {
    const { presence, joinRef } = joinedChannel()
    const events: string[] = []
    presence.onJoin((id, cur) => events.push(`join ${id} ${cur ? 'existing' : 'new'}`))
    presence.onLeave((id, cur) => events.push(`leave ${id} ${cur.metas.length}`))
    const t = FakeTransport.last
    t.receive(null, null, 'room:1', 'presence_diff', {
      joins: { u2: { metas: [{ id: 2, phx_ref: '2' }] } },
      leaves: { u1: { metas: [{ id: 1, phx_ref: '1' }] } },
    })
    assert.equal(presence.pendingDiffs.length, 1)
    assert.deepEqual(presence.list(), [])
    t.receive(joinRef, null, 'room:1', 'presence_state', {
      u1: { metas: [{ id: 1, phx_ref: '1' }] },
    })
    assert.deepEqual(events, ['join u1 new', 'join u2 new', 'leave u1 0'])
    assert.deepEqual(
      presence.list((id) => id),
      ['u2'],
    )
    assert.equal(presence.pendingDiffs.length, 0)
  })

  it('is pending again after a rejoin until the new state arrives', () => {
    const { channel, presence, joinRef } = joinedChannel()
    const t = FakeTransport.last
    t.receive(joinRef, null, 'room:1', 'presence_state', {
      u1: { metas: [{ id: 1, phx_ref: '1' }] },
    })
    assert.equal(presence.inPendingSyncState(), false)
    t.receive(joinRef, joinRef, 'room:1', 'phx_error', { reason: 'channel_crash' })
    clock.advance(1000)
    t.reply('phx_join')
    assert.notEqual(channel.joinRef(), joinRef)
    assert.equal(presence.inPendingSyncState(), true)
    t.receive(null, null, 'room:1', 'presence_diff', {
      joins: { u3: { metas: [{ id: 3, phx_ref: '3' }] } },
      leaves: {},
    })
    assert.deepEqual(
      presence.list((id) => id),
      ['u1'],
      'diff buffered',
    )
    t.receive(channel.joinRef(), null, 'room:1', 'presence_state', {})
    assert.deepEqual(
      presence.list((id) => id),
      ['u3'],
    )
  })

  it('supports custom event names and stops listening on dispose', () => {
    const { presence, joinRef } = joinedChannel({ state: 'the_state', diff: 'the_diff' })
    const t = FakeTransport.last
    t.receive(joinRef, null, 'room:1', 'the_state', { u1: { metas: [{ id: 1, phx_ref: '1' }] } })
    t.receive(null, null, 'room:1', 'the_diff', {
      joins: { u2: { metas: [{ id: 2, phx_ref: '2' }] } },
      leaves: {},
    })
    assert.deepEqual(
      presence.list((id) => id),
      ['u1', 'u2'],
    )
    presence.dispose()
    t.receive(null, null, 'room:1', 'the_diff', {
      joins: { u3: { metas: [{ id: 3, phx_ref: '3' }] } },
      leaves: {},
    })
    assert.deepEqual(
      presence.list((id) => id),
      ['u1', 'u2'],
    )
  })

  it('ignores non-object state and diff payloads instead of throwing', () => {
    const { presence, joinRef } = joinedChannel()
    const t = FakeTransport.last
    t.receive(joinRef, null, 'room:1', 'presence_state', 'nope')
    t.receive(joinRef, null, 'room:1', 'presence_diff', 42)
    assert.deepEqual(presence.list(), [])
  })
})
