// PresenceStore: the useSyncExternalStore-shaped store behind `usePresence`.
import assert from 'node:assert/strict'
import { beforeEach, describe, it } from 'node:test'
import { PresenceStore, Socket } from '@plume/client'
import { usePresence } from '@plume/client/react'
import { FakeTransport } from './support/fake-transport.js'
import { ManualScheduler } from '@plume/tracker'

let socket: Socket
beforeEach(() => {
  FakeTransport.reset()
  socket = new Socket('ws://h/socket', {
    transport: FakeTransport,
    scheduler: new ManualScheduler(),
    page: null,
  })
  socket.connect()
  FakeTransport.last.open()
})

describe('PresenceStore', () => {
  it('publishes a new snapshot per sync and keeps it stable in between', () => {
    const channel = socket.channel('room:1')
    const store = new PresenceStore<{ online_at: string }>(channel)
    channel.join()
    const t = FakeTransport.last
    t.reply('phx_join')
    let notified = 0
    const unsubscribe = store.subscribe(() => notified++)
    const empty = store.getSnapshot()
    assert.deepEqual(empty.list, [])
    assert.equal(store.getSnapshot(), empty)
    t.receive(channel.joinRef(), null, 'room:1', 'presence_state', {
      alice: { metas: [{ online_at: '1', phx_ref: 'a' }] },
    })
    const first = store.getSnapshot()
    assert.notEqual(first, empty)
    assert.equal(notified, 1)
    assert.deepEqual(first.list, [{ key: 'alice', metas: [{ online_at: '1', phx_ref: 'a' }] }])
    assert.equal(first.list[0]?.metas[0]?.online_at, '1')
    t.receive(null, null, 'room:1', 'presence_diff', {
      joins: { bob: { metas: [{ online_at: '2', phx_ref: 'b' }] } },
      leaves: {},
    })
    assert.deepEqual(
      store.getSnapshot().list.map((p) => p.key),
      ['alice', 'bob'],
    )
    assert.equal(notified, 2)
    unsubscribe()
    t.receive(null, null, 'room:1', 'presence_diff', {
      joins: {},
      leaves: { bob: { metas: [{ online_at: '2', phx_ref: 'b' }] } },
    })
    assert.equal(notified, 2, 'unsubscribed listeners are not called')
    assert.deepEqual(
      store.getSnapshot().list.map((p) => p.key),
      ['alice'],
    )
  })

  it('detach stops updates and attach resumes with the kept state (StrictMode remount)', () => {
    const channel = socket.channel('room:1')
    const store = new PresenceStore(channel)
    channel.join()
    const t = FakeTransport.last
    t.reply('phx_join')
    t.receive(channel.joinRef(), null, 'room:1', 'presence_state', {
      a: { metas: [{ phx_ref: '1' }] },
    })
    store.detach()
    t.receive(null, null, 'room:1', 'presence_diff', {
      joins: { b: { metas: [{ phx_ref: '2' }] } },
      leaves: {},
    })
    assert.deepEqual(
      store.getSnapshot().list.map((p) => p.key),
      ['a'],
    )
    const detach = store.attach()
    store.attach()
    // The channel's own phx_reply routing binding is not the store's.
    const presenceBindings = () => channel.bindings.filter((b) => b.event.startsWith('presence_'))
    assert.equal(presenceBindings().length, 2, 'attach is idempotent')
    t.receive(null, null, 'room:1', 'presence_diff', {
      joins: { c: { metas: [{ phx_ref: '3' }] } },
      leaves: {},
    })
    assert.deepEqual(
      store.getSnapshot().list.map((p) => p.key),
      ['a', 'c'],
    )
    detach()
    assert.equal(presenceBindings().length, 0)
  })

  it('keeps published snapshots intact while Presence updates its state in place', () => {
    const channel = socket.channel('room:1')
    const store = new PresenceStore(channel)
    channel.join()
    const t = FakeTransport.last
    t.reply('phx_join')
    t.receive(channel.joinRef(), null, 'room:1', 'presence_state', {
      a: { metas: [{ phx_ref: '1' }] },
    })
    const first = store.getSnapshot()
    t.receive(null, null, 'room:1', 'presence_diff', {
      joins: { b: { metas: [{ phx_ref: '2' }] } },
      leaves: { a: { metas: [{ phx_ref: '1' }] } },
    })
    assert.deepEqual(Object.getOwnPropertyNames(first.state), ['a'])
    assert.deepEqual(Object.getOwnPropertyNames(store.getSnapshot().state), ['b'])
    store.detach()
    const second = store.getSnapshot()
    store.attach()
    t.receive(null, null, 'room:1', 'presence_diff', {
      joins: { c: { metas: [{ phx_ref: '3' }] } },
      leaves: {},
    })
    assert.deepEqual(Object.getOwnPropertyNames(second.state), ['b'], 'reattach copies')
    assert.deepEqual(Object.getOwnPropertyNames(store.getSnapshot().state), ['b', 'c'])
  })

  it('the react entry exports usePresence', () => {
    assert.equal(typeof usePresence, 'function')
  })
})
