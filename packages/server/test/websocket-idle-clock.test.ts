// The WebSocket idle clock of one socket, driven by a ManualScheduler over a stand-in for
// a `ws` socket: nothing is armed until start(), and silence for `timeout` closes with 1001.

import assert from 'node:assert/strict'
import { EventEmitter } from 'node:events'
import { describe, it } from 'node:test'
import type { WebSocket } from 'ws'
import { ManualScheduler } from '@plume/tracker'
import { silentLogger } from '@plume/server'
import { WsSocket } from '../src/transports/ws-socket.js'

const TIMEOUT = 60_000

class FakeWs extends EventEmitter {
  readyState = 1 // OPEN
  closedWith: [number, string] | undefined
  close(code: number, reason: string): void {
    this.closedWith = [code, reason]
    this.readyState = 3
    this.emit('close')
  }
}

function socket(scheduler: ManualScheduler): { ws: FakeWs; socket: WsSocket } {
  const ws = new FakeWs()
  const options = { timeout: TIMEOUT, scheduler, logger: silentLogger }
  return { ws, socket: new WsSocket(ws as unknown as WebSocket, options) }
}

describe('websocket idle clock', () => {
  it('arms no timer before start()', () => {
    const scheduler = new ManualScheduler()
    socket(scheduler)
    assert.equal(scheduler.pending, 0)
  })

  it('closes with 1001 after `timeout` without a frame', () => {
    const scheduler = new ManualScheduler()
    const { ws, socket: s } = socket(scheduler)
    s.start()
    scheduler.advance(TIMEOUT - 1)
    assert.equal(ws.closedWith, undefined)
    scheduler.advance(1)
    assert.deepEqual(ws.closedWith, [1001, 'idle timeout'])
    assert.equal(s.isOpen, false)
  })

  it('counts the timeout from the last frame received', () => {
    const scheduler = new ManualScheduler()
    const { ws, socket: s } = socket(scheduler)
    s.onMessage(() => Promise.resolve())
    s.start()
    scheduler.advance(TIMEOUT / 2)
    ws.emit('message', Buffer.from('[]'), false)
    scheduler.advance(TIMEOUT - 1)
    assert.equal(ws.closedWith, undefined)
    scheduler.advance(1)
    assert.deepEqual(ws.closedWith, [1001, 'idle timeout'])
  })
})
