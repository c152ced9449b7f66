// Differential test: the same scenarios, run once with @plume/client and once with the
// official `phoenix` npm client (1.8.16), must produce identical transcripts: against our
// server (replies, events, presence lists) over WebSocket, long-poll and the long-poll
// fallback; and on a scripted transport with mocked timers (socket lifecycle callbacks,
// heartbeat timeout, close without an event, channel error payloads, push/reply/timeout,
// the send buffer before open, phoenix.js's transport handlers, the serializer).
import assert from 'node:assert/strict'
import { after, afterEach, before, beforeEach, describe, it, mock } from 'node:test'
import * as phoenix from '@plume/testkit/phoenix'
import { WebSocket } from 'ws'
import * as plume from '@plume/client'
import { compatScenarios, type CompatImpl } from './support/compat-scenarios.js'
import { FakeTransport } from './support/fake-transport.js'
import { runScenario, type ClientImpl } from './support/scenario.js'
import { startServer, type TestServer } from './support/server.js'

const official: ClientImpl = { Socket: phoenix.Socket, Presence: phoenix.Presence }
const ours: ClientImpl = { Socket: plume.Socket, Presence: plume.Presence }

describe('differential: @plume/client vs phoenix.js', () => {
  let server: TestServer
  before(async () => (server = await startServer()))
  after(() => server.close())

  it('WebSocket transcripts are identical', async () => {
    const theirs = await runScenario(
      official,
      server.base,
      { transport: WebSocket },
      server.endpoint,
    )
    const mine = await runScenario(ours, server.base, { transport: WebSocket }, server.endpoint)
    assert.ok(theirs.alice.length >= 10, 'the scenario recorded something')
    assert.deepEqual(mine, theirs)
  })

  it('long-poll transcripts are identical', async () => {
    const theirs = await runScenario(
      official,
      server.base,
      { transport: phoenix.LongPoll },
      server.endpoint,
    )
    const mine = await runScenario(
      ours,
      server.base,
      { transport: plume.LongPoll },
      server.endpoint,
    )
    assert.deepEqual(mine, theirs)
  })

  it('long-poll fallback transcripts are identical (the WebSocket never connects)', async () => {
    const opts = { transport: RefusedWebSocket, longPollFallbackMs: 300 }
    const theirs = await runScenario(official, server.base, opts, server.endpoint)
    const mine = await runScenario(ours, server.base, opts, server.endpoint)
    assert.ok(theirs.alice.length >= 10, 'the scenario ran over the fallback transport')
    assert.deepEqual(mine, theirs)
  })
})

// A WebSocket stand-in that fails like a blocked WebSocket: error, then close, never open.
class RefusedWebSocket {
  readyState = 0
  onopen: (() => void) | null = null
  onerror: ((e: unknown) => void) | null = null
  onclose: ((e: { code: number }) => void) | null = null
  onmessage: ((e: unknown) => void) | null = null
  constructor() {
    setTimeout(() => {
      this.readyState = 3
      this.onerror?.(new Error('refused'))
      this.onclose?.({ code: 1006 })
    }, 0)
  }
  send(): void {}
  close(): void {
    this.readyState = 3
  }
}

describe('differential on a scripted transport: @plume/client vs phoenix.js', () => {
  const clients: Record<string, CompatImpl> = { phoenix: phoenix, plume: plume }
  beforeEach(() => mock.timers.enable({ apis: ['setTimeout'] }))
  afterEach(() => mock.timers.reset())

  const run = (impl: CompatImpl, name: string): unknown[] => {
    FakeTransport.reset()
    const scenario = compatScenarios[name]
    if (!scenario) throw new Error(`no scenario ${name}`)
    // A JSON round trip compares what the user saw, not the two clients' object identities.
    return JSON.parse(JSON.stringify(scenario(impl, (ms) => mock.timers.tick(ms)))) as unknown[]
  }

  for (const name of Object.keys(compatScenarios)) {
    it(`${name}: both clients observe the same`, () => {
      const theirs = run(clients['phoenix'] as CompatImpl, name)
      const mine = run(clients['plume'] as CompatImpl, name)
      assert.ok(theirs.length >= 3, `the ${name} scenario recorded something`)
      assert.deepEqual(mine, theirs)
    })
  }

  it('transport errors reach channels as {source: "transport", reason} in both', () => {
    const seen = run(plume, 'heartbeatTimeout').concat(run(plume, 'channelErrors'))
    const payloads = seen
      .filter((e) => Array.isArray(e) && e[0] === 'chan_error')
      .map((e) => (e as unknown[])[2])
    assert.deepEqual(payloads.slice(0, 2), [
      { source: 'transport', reason: 'heartbeat_timeout' },
      { source: 'transport', reason: 'connection_error' },
    ])
  })
})

describe('differential serializer: @plume/client vs phoenix.js', () => {
  const messages = [
    { join_ref: '1', ref: '2', topic: 'room:1', event: 'ping', payload: { n: [1, 'a'] } },
    { join_ref: null, ref: null, topic: 'phoenix', event: 'heartbeat', payload: {} },
    {
      join_ref: '3',
      ref: '4',
      topic: 'room:1',
      event: 'bin',
      payload: new Uint8Array([1, 2, 250]).buffer,
    },
  ]
  const encodeWith = (s: typeof plume.Serializer, m: unknown): unknown => {
    let out: unknown
    s.encode(m as plume.SocketMessage, (f) => (out = f))
    return typeof out === 'string' ? out : [...new Uint8Array(out as ArrayBuffer)]
  }

  it('encodes the same frames', () => {
    for (const m of messages)
      assert.deepEqual(encodeWith(plume.Serializer, m), encodeWith(phoenix.Serializer as never, m))
  })

  it('decodes server frames (push, reply, broadcast; text and binary) the same', () => {
    const reply = new Uint8Array([
      1,
      1,
      1,
      6,
      2,
      0x31,
      0x32,
      ...Buffer.from('room:1'),
      ...Buffer.from('ok'),
      9,
    ])
    const broadcast = new Uint8Array([2, 6, 1, ...Buffer.from('room:1'), ...Buffer.from('e'), 7, 8])
    const frames = [
      '["1","2","room:1","phx_reply",{"status":"ok","response":{}}]',
      reply.buffer,
      broadcast.buffer,
    ]
    for (const frame of frames) {
      const decoded: unknown[] = []
      plume.Serializer.decode(frame, (m) => decoded.push(m))
      phoenix.Serializer.decode(frame, (m: unknown) => decoded.push(m))
      assert.equal(decoded.length, 2)
      assert.deepEqual(JSON.stringify(decoded[0], binary), JSON.stringify(decoded[1], binary))
    }
  })
})

// ArrayBuffers stringify as {}; compare their bytes.
function binary(_key: string, value: unknown): unknown {
  return value instanceof ArrayBuffer ? [...new Uint8Array(value)] : value
}
