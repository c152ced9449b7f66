// A long-poll session's expiry clock, driven by a ManualScheduler: nothing is armed until
// start(), and a started session expires 1.5 windows after its last GET.

import assert from 'node:assert/strict'
import { EventEmitter } from 'node:events'
import type { ServerResponse } from 'node:http'
import { describe, it } from 'node:test'
import { ManualScheduler } from '@plume/tracker'
import { LongPollSession } from '../src/transports/longpoll-session.js'

const WINDOW = 10_000

function session(scheduler: ManualScheduler): LongPollSession {
  return new LongPollSession({ token: 't', windowMs: WINDOW, scheduler, respond: () => {} })
}

function fakeResponse(): ServerResponse {
  return new EventEmitter() as unknown as ServerResponse
}

describe('long-poll session expiry', () => {
  it('arms no timer before start()', () => {
    const scheduler = new ManualScheduler()
    session(scheduler)
    assert.equal(scheduler.pending, 0)
  })

  it('expires 1.5 windows after start() when no GET arrives', () => {
    const scheduler = new ManualScheduler()
    let expired = 0
    session(scheduler).start(() => expired++)
    scheduler.advance(WINDOW * 1.5 - 1)
    assert.equal(expired, 0)
    scheduler.advance(1)
    assert.equal(expired, 1)
  })

  it('counts the 1.5 windows from the last GET', () => {
    const scheduler = new ManualScheduler()
    let expired = 0
    const s = session(scheduler)
    s.start(() => expired++)
    scheduler.advance(WINDOW)
    s.poll(fakeResponse())
    scheduler.advance(WINDOW * 1.5 - 1)
    assert.equal(expired, 0)
    scheduler.advance(1)
    assert.equal(expired, 1)
  })

  it('ignores start() on a closed session', () => {
    const scheduler = new ManualScheduler()
    const s = session(scheduler)
    s.close(1000, 'refused')
    s.start(() => assert.fail('a closed session must not expire'))
    assert.equal(scheduler.pending, 0)
  })
})
