// Scenarios written against phoenix.js's public Socket/Channel/Push API only, run on a scripted
// transport and mocked timers, so the same code drives the `phoenix` package and
// @plume/client. Each returns a transcript of what a user could observe; the differential
// test requires both clients to produce the same one. Both clients use their real timers
// here (setTimeout), which node:test's mock timers control.
/* eslint-disable @typescript-eslint/no-explicit-any, @typescript-eslint/no-unsafe-call, @typescript-eslint/no-unsafe-member-access, @typescript-eslint/no-unsafe-assignment, @typescript-eslint/no-unsafe-argument -- the scenarios drive two untyped-compatible APIs */
import { FakeTransport } from './fake-transport.js'

/** A phoenix-compatible client: its Socket class. */
export interface CompatImpl {
  Socket: new (endPoint: string, opts?: Record<string, unknown>) => any
}

/** Advances the mocked clock. */
export type Tick = (ms: number) => void

type Scenario = (impl: CompatImpl, tick: Tick) => unknown[]

function connected(impl: CompatImpl, opts: Record<string, unknown> = {}): { socket: any; t: any } {
  const socket = new impl.Socket('ws://example.test/socket', {
    transport: FakeTransport,
    reconnectAfterMs: () => 10,
    rejoinAfterMs: () => 20,
    ...opts,
  })
  socket.connect()
  FakeTransport.last.open()
  return { socket, t: FakeTransport.last }
}

// A joined channel whose error and close callbacks (with payloads) go to `out`.
function joined(socket: any, t: FakeTransport, out: unknown[], topic = 'room:1'): any {
  const channel = socket.channel(topic, {})
  channel.onError((payload: unknown) => out.push(['chan_error', topic, payload]))
  channel.onClose(() => out.push(['chan_close', topic]))
  channel.join().receive('ok', (r: unknown) => out.push(['joined', topic, r]))
  t.reply('phx_join', 'ok', { hello: topic })
  return channel
}

const events = (t: FakeTransport): string[] => t.messages.map((m) => `${m[2]}:${m[3]}`)

/** Socket callbacks on open, error and an abnormal close, and the reconnect after it. */
const lifecycle: Scenario = (impl, tick) => {
  const out: unknown[] = []
  const socket = new impl.Socket('ws://example.test/socket', {
    transport: FakeTransport,
    reconnectAfterMs: () => 10,
  })
  socket.onOpen(() => out.push(['open', socket.connectionState()]))
  socket.onError((e: unknown) => out.push(['error', e]))
  socket.onClose((e: any) => out.push(['close', e?.code]))
  socket.connect()
  out.push(['state', socket.connectionState(), socket.isConnected()])
  FakeTransport.last.open()
  FakeTransport.last.fail('boom')
  FakeTransport.last.serverClose(1006)
  out.push(['after close', socket.connectionState(), FakeTransport.instances.length])
  tick(10)
  out.push(['reconnected', FakeTransport.instances.length])
  FakeTransport.last.open()
  const ref = socket.onOpen(() => out.push(['removed callback ran']))
  socket.off([ref])
  socket.disconnect()
  tick(1000)
  out.push(['disconnected', socket.connectionState(), FakeTransport.instances.length])
  return out
}

// A transport whose close event arrives later, as a browser WebSocket's does.
class AsyncCloseTransport extends FakeTransport {
  override close(code?: number, reason?: string): void {
    this.closedWith = { code, reason }
    this.readyState = 3
    setTimeout(
      () => this.onclose?.({ code: code ?? 1005, reason: reason ?? '', wasClean: true }),
      0,
    )
  }
}

/** An unanswered heartbeat errors channels, closes with 1000 and reconnects. */
const heartbeatTimeout: Scenario = (impl, tick) => {
  const out: unknown[] = []
  const { socket, t } = connected(impl, {
    heartbeatIntervalMs: 1000,
    transport: AsyncCloseTransport,
  })
  joined(socket, t, out)
  tick(1000)
  out.push(['sent', events(t).at(-1)])
  tick(1000)
  out.push(['closed with', t.closedWith])
  tick(1000)
  out.push(['transports', FakeTransport.instances.length])
  socket.disconnect()
  tick(1000)
  return out
}

/** A transport that calls `onclose()` with no event: channels error and the socket reconnects. */
const closeWithoutEvent: Scenario = (impl, tick) => {
  const out: unknown[] = []
  const { socket, t } = connected(impl)
  socket.onClose((e: unknown) => out.push(['close callback', e === undefined]))
  joined(socket, t, out)
  t.readyState = 3
  t.onclose?.(undefined)
  tick(10)
  out.push(['transports', FakeTransport.instances.length])
  FakeTransport.last.open()
  tick(20)
  out.push(['rejoin sent', events(FakeTransport.last)])
  socket.disconnect()
  tick(1000)
  return out
}

/** The payloads channel error callbacks get for a transport error and a server error. */
const channelErrors: Scenario = (impl, tick) => {
  const out: unknown[] = []
  const { socket, t } = connected(impl)
  const channel = joined(socket, t, out)
  t.fail('network down')
  out.push(['state', channel.state])
  tick(20)
  FakeTransport.last.serverClose(1006)
  tick(10)
  FakeTransport.last.open()
  tick(20)
  FakeTransport.last.reply('phx_join', 'ok', {})
  const last = FakeTransport.last
  last.receive(channel.joinRef(), null, 'room:1', 'phx_error', { reason: 'crash' })
  out.push(['state', channel.state])
  socket.disconnect()
  tick(1000)
  return out
}

/** Pushes: replies by ref, a timeout, hooks added after the reply, and the join push timer. */
const pushReplyTimeout: Scenario = (impl, tick) => {
  const out: unknown[] = []
  const { socket, t } = connected(impl, { timeout: 500 })
  const channel = socket.channel('room:1', {})
  const join = channel.join()
  out.push(['join timer armed', !!join.timeoutTimer, typeof join.refEvent])
  t.reply('phx_join', 'ok', {})
  out.push(['join timer after reply', join.timeoutTimer, channel.state])
  const ping = channel.push('ping', { n: 1 })
  const pending = channel.bindings.filter((b: any) => b.event === `chan_reply_${ping.ref}`)
  out.push(['reply binding while in flight', pending.length, ping.refEvent])
  ping.receive('ok', (r: unknown) => out.push(['ping ok', r]))
  t.reply('ping', 'ok', { n: 2 })
  ping.receive('ok', (r: unknown) => out.push(['late hook', r]))
  out.push([
    'reply bindings left',
    channel.bindings.filter((b: any) => /^chan_reply_/.test(b.event)).length,
  ])
  const slow = channel.push('slow', {}, 100)
  slow.receive('timeout', () => out.push(['slow timeout']))
  tick(100)
  const manual = channel.push('manual', {})
  manual.receive('error', (r: unknown) => out.push(['manual', r]))
  manual.trigger('error', { why: 'test' })
  out.push(['sent', events(t)])
  socket.disconnect()
  tick(1000)
  return out
}

/** Sends made while the socket connects wait in `sendBuffer` and go out on open, in order. */
const sendBufferBeforeOpen: Scenario = (impl, tick) => {
  const out: unknown[] = []
  const socket = new impl.Socket('ws://example.test/socket', { transport: FakeTransport })
  socket.connect()
  const channel = socket.channel('room:1', {})
  channel.join()
  socket.push({ topic: 'phoenix', event: 'custom', payload: {}, ref: socket.makeRef() })
  out.push(['buffered', socket.sendBuffer.length, FakeTransport.last.sent.length])
  out.push(['channel', channel.state, socket.connectionState()])
  FakeTransport.last.open()
  out.push(['after open', socket.sendBuffer.length, events(FakeTransport.last)])
  socket.disconnect()
  tick(1000)
  return out
}

/** Calling phoenix.js's transport handlers directly, as wrappers and spies do. */
const connHandlers: Scenario = (impl, tick) => {
  const out: unknown[] = []
  const { socket, t } = connected(impl, { heartbeatIntervalMs: 1000 })
  socket.onMessage((m: any) => out.push(['message', m.topic, m.event, m.payload]))
  socket.onConnMessage({ data: JSON.stringify([null, null, 'room:9', 'news', { a: 1 }]) })
  socket.sendHeartbeat()
  out.push(['heartbeat sent', events(t).at(-1)])
  const [, ref] = t.lastOf('heartbeat')
  socket.onConnMessage({
    data: JSON.stringify([null, ref, 'phoenix', 'phx_reply', { status: 'ok', response: {} }]),
  })
  socket.onConnError('manual error')
  socket.onConnClose({ code: 1006 })
  tick(10)
  out.push(['transports', FakeTransport.instances.length])
  const frames: string[] = []
  socket.encode(
    { join_ref: '1', ref: '2', topic: 't', event: 'e', payload: { x: 1 } },
    (f: string) => frames.push(f),
  )
  socket.decode('["1","2","t","e",{"x":1}]', (m: unknown) => out.push(['decoded', m]))
  out.push(['encoded', frames])
  socket.disconnect()
  tick(1000)
  return out
}

/** The scenarios by name. */
export const compatScenarios: Record<string, Scenario> = {
  lifecycle,
  heartbeatTimeout,
  closeWithoutEvent,
  channelErrors,
  pushReplyTimeout,
  sendBufferBeforeOpen,
  connHandlers,
}
