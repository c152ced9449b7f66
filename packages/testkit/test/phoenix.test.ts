// The typed phoenix.js re-exports are the real client: its serializer round-trips a message
// and its Presence.syncDiff applies joins and leaves.
import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import {
  LongPoll,
  Presence,
  Serializer,
  Socket,
  type Message,
  type PresenceState,
} from '@plume/testkit/phoenix'

void describe('@plume/testkit/phoenix', () => {
  void it('exports the client classes', () => {
    for (const value of [Socket, Presence, LongPoll]) assert.equal(typeof value, 'function')
  })

  void it('encodes and decodes with the V2 serializer', () => {
    const msg: Message = { join_ref: '1', ref: '2', topic: 'room:a', event: 'e', payload: [1] }
    let frame: string | ArrayBuffer = ''
    Serializer.encode(msg, (f) => (frame = f))
    assert.equal(frame, '["1","2","room:a","e",[1]]')
    let decoded: Message | undefined
    Serializer.decode(frame, (m) => (decoded = m))
    assert.deepEqual(decoded, msg)
  })

  void it('syncs presence diffs', () => {
    const alice = { metas: [{ phx_ref: 'a1' }] }
    const bob = { metas: [{ phx_ref: 'b1' }] }
    const state: PresenceState = Presence.syncState({}, { alice })
    const next = Presence.syncDiff(state, { joins: { bob }, leaves: { alice } })
    assert.deepEqual(
      Presence.list(next, (key) => key),
      ['bob'],
    )
  })
})
