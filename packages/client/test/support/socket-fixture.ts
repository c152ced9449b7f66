// Shared setup of the Socket suites: a socket on the fake transport with virtual time, and a
// fake page for lifecycle events.
import type { PageLike, SocketOptions } from '@plume/client'
import { Socket } from '@plume/client'
import { FakeTransport } from './fake-transport.js'
import { ManualScheduler } from '@plume/tracker'

/** Virtual time of the current test; replaced before each test by {@link resetSocketFixture}. */
export const fx = { clock: new ManualScheduler() }

/** Fresh fake transports and a fresh clock: call from `beforeEach`. */
export function resetSocketFixture(): void {
  FakeTransport.reset()
  fx.clock = new ManualScheduler()
}
export const make = (opts: SocketOptions = {}) =>
  new Socket('ws://example.com/socket', {
    transport: FakeTransport,
    scheduler: fx.clock,
    page: null,
    ...opts,
  })
export const connected = (opts: SocketOptions = {}) => {
  const socket = make(opts)
  socket.connect()
  FakeTransport.last.open()
  return { socket, t: FakeTransport.last }
}

export class FakePage implements PageLike {
  hidden = false
  handlers = new Map<string, () => void>()
  on(event: string, fn: () => void) {
    this.handlers.set(event, fn)
    return () => this.handlers.delete(event)
  }
  fire(event: string) {
    this.handlers.get(event)?.()
  }
}
