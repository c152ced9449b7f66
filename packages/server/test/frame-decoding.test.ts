// Every frame a client can send, however malformed, is answered by the connection with a
// reply or a close, and nothing escapes the frame handler: objects where strings belong,
// toString/valueOf traps, `__proto__`/`constructor` keys in topics, events and payloads.
// Drives a Connection over a stand-in socket, so each case runs without network or time.

import assert from 'node:assert/strict'
import { after, before, describe, it } from 'node:test'
import fc from 'fast-check'
import { v1Serializer, v2Serializer, type Frame, type ServerSerializer } from '@plume/protocol'
import { PubSub } from '@plume/pubsub'
import { ManualScheduler } from '@plume/tracker'
import { ok, reply, type ChannelHandler } from '@plume/server'
import { Connection } from '../src/connection.js'
import type { SocketLike } from '../src/transports/socket-like.js'
import { captureLogger, stubEndpoint } from './helpers.js'

const SEED = Number(process.env['FC_SEED'] ?? Date.now() % 2 ** 31)
console.log(`frame decoding seed=${SEED} (replay with FC_SEED=${SEED})`)

const Echo: ChannelHandler = {
  join: () => ok(),
  handleIn: (event) => reply('ok', { event }),
}

class FakeSocket implements SocketLike {
  readonly binary: boolean
  readonly sent: Frame[] = []
  closedWith: number | undefined
  #onMessage: (frame: Frame) => Promise<void> = () => Promise.resolve()
  constructor(binary: boolean) {
    this.binary = binary
  }
  get isOpen(): boolean {
    return this.closedWith === undefined
  }
  send(frame: Frame): void {
    this.sent.push(frame)
  }
  close(code: number): void {
    this.closedWith ??= code
  }
  onMessage(handler: (frame: Frame) => Promise<void>): void {
    this.#onMessage = handler
  }
  onClose(): void {}
  deliver(frame: Frame): Promise<void> {
    return this.#onMessage(frame)
  }
}

let pubsub: PubSub
before(async () => {
  pubsub = new PubSub()
  await pubsub.start()
})
after(() => pubsub.close())

function open(serializer: ServerSerializer): {
  socket: FakeSocket
  logger: ReturnType<typeof captureLogger>
} {
  const socket = new FakeSocket(serializer === v2Serializer)
  const logger = captureLogger()
  const scheduler = new ManualScheduler()
  const conn = new Connection({
    socket,
    transport: 'websocket',
    serializer,
    assigns: {},
    socketId: null,
    router: { route: (t) => (t.startsWith('room:') ? Echo : undefined), maxChannels: 3 },
    endpoint: stubEndpoint(pubsub, scheduler),
    pubsub,
    scheduler,
    logger,
    onClosed: () => {},
  })
  void conn
  return { socket, logger }
}

// JSON text of values a hostile or buggy client may put in each field.
const traps = ['{"toString":null}', '{"valueOf":{},"toString":{}}', '{"__proto__":{"x":1}}', '[]']
const refs = fc.constantFrom('"1"', '"2"', 'null', '1', ...traps)
const topics = fc.constantFrom(
  '"room:1"',
  '"room:__proto__"',
  '"phoenix"',
  '"__proto__"',
  '"constructor"',
  'null',
  '7',
  ...traps,
)
const events = fc.constantFrom(
  '"phx_join"',
  '"phx_leave"',
  '"heartbeat"',
  '"echo"',
  '"__proto__"',
  '"toString"',
  'null',
  ...traps,
)
const payloads = fc.oneof(
  fc.constantFrom(
    '{}',
    '{"__proto__":{"crash":true}}',
    '{"constructor":{"prototype":{"x":1}}}',
    '"text"',
    'null',
    ...traps,
  ),
  fc.jsonValue({ maxDepth: 2 }).map((v) => JSON.stringify(v)),
)

const v2Text = fc
  .tuple(refs, refs, topics, events, payloads, fc.nat(6))
  .map(([jr, ref, t, e, p, n]) => `[${[jr, ref, t, e, p].slice(0, n).join(',')}]`)
const v1Text = fc
  .tuple(refs, refs, topics, events, payloads, fc.subarray(['topic', 'event', 'payload', 'ref']))
  .map(([jr, ref, t, e, p, keep]) => {
    const all: Record<string, string> = { topic: t, event: e, payload: p, ref, join_ref: jr }
    const fields = [...keep, 'join_ref'].map((k) => `"${k}":${all[k] ?? 'null'}`)
    return `{${fields.join(',')}}`
  })
const anyText = fc.oneof(
  fc.string(),
  fc.jsonValue().map((v) => JSON.stringify(v)),
)
const fieldBytes = fc.constantFrom('', '1', 'room:1', 'phoenix', '__proto__', 'phx_join', 'echo')
const binary = fc.oneof(
  fc.uint8Array({ maxLength: 24 }),
  fc
    .tuple(fc.array(fieldBytes, { minLength: 4, maxLength: 4 }), fc.uint8Array({ maxLength: 4 }))
    .map(([fields, body]) => {
      const enc = fields.map((f) => new TextEncoder().encode(f))
      return Uint8Array.from([
        0,
        ...enc.map((b) => b.length),
        ...enc.flatMap((b) => [...b]),
        ...body,
      ])
    }),
)

function rejects(serializer: ServerSerializer, frame: Frame): boolean {
  try {
    serializer.decode(frame)
    return false
  } catch {
    return true
  }
}

async function survives(serializer: ServerSerializer, frames: readonly Frame[]): Promise<void> {
  const { socket, logger } = open(serializer)
  for (const frame of frames) {
    if (socket.closedWith !== undefined) break
    const before = socket.sent.length
    await socket.deliver(frame)
    const errors = logger.entries.filter((e) => e.level === 'error')
    assert.deepEqual(errors, [], `frame ${String(frame)} logged an error`)
    if (rejects(serializer, frame)) {
      const answered = socket.sent.length > before || socket.closedWith !== undefined
      assert.ok(answered, `malformed frame ${String(frame)} got neither a reply nor a close`)
    }
  }
  if (socket.closedWith !== undefined) return
  const before = socket.sent.length
  await socket.deliver(
    serializer === v2Serializer
      ? '[null,"hb","phoenix","heartbeat",{}]'
      : '{"topic":"phoenix","event":"heartbeat","payload":{},"ref":"hb"}',
  )
  assert.equal(socket.sent.length, before + 1, 'the connection still answers heartbeats')
}

describe('malformed client frames', () => {
  it('V2: every text or binary frame is answered and nothing escapes (fast-check)', async () => {
    const frame = fc.oneof(v2Text, v2Text, anyText, binary)
    await fc.assert(
      fc.asyncProperty(fc.array(frame, { minLength: 1, maxLength: 8 }), (frames) =>
        survives(v2Serializer, frames),
      ),
      { seed: SEED, numRuns: 300 },
    )
  })

  it('V1: every object, text or binary frame is answered and nothing escapes (fast-check)', async () => {
    const frame = fc.oneof(v1Text, v1Text, anyText, binary)
    await fc.assert(
      fc.asyncProperty(fc.array(frame, { minLength: 1, maxLength: 8 }), (frames) =>
        survives(v1Serializer, frames),
      ),
      { seed: SEED, numRuns: 300 },
    )
  })
})

describe('a serializer that throws something other than an Error', () => {
  for (const [name, thrown] of [
    ['a null-prototype object', Object.create(null) as unknown],
    ['an object whose toString is null', { toString: null }],
  ] as const) {
    it(`answers with an error reply, or a 1007 close, when decode throws ${name}`, async () => {
      const odd: ServerSerializer = {
        ...v2Serializer,
        decode: () => {
          throw thrown
        },
      }
      const { socket, logger } = open(odd)
      await socket.deliver('["1","1","room:1","phx_join",{}]')
      const [replied] = socket.sent.map((f) => JSON.parse(String(f)) as unknown[])
      assert.deepEqual(replied?.slice(0, 4), [null, '1', 'room:1', 'phx_reply'])
      assert.equal((replied?.[4] as { status: string }).status, 'error')
      await socket.deliver('not a frame')
      assert.equal(socket.closedWith, 1007)
      assert.deepEqual(
        logger.entries.filter((e) => e.level === 'error'),
        [],
      )
    })
  }
})

describe('a serializer that decodes to a malformed message', () => {
  const shapes: ReadonlyArray<readonly [string, Record<string, unknown>]> = [
    ['an object topic', { topic: { toString: null }, event: 'phx_join' }],
    ['a numeric event', { topic: 'room:1', event: 7 }],
    ['an object ref', { topic: 'room:1', event: 'echo', ref: { valueOf: null } }],
  ]
  for (const [name, fields] of shapes) {
    it(`refuses ${name} as an invalid frame without logging an error`, async () => {
      const base = { joinRef: null, ref: '1', payload: {} }
      const odd: ServerSerializer = {
        ...v2Serializer,
        decode: () => ({ ...base, ...fields }) as unknown as ReturnType<ServerSerializer['decode']>,
      }
      const { socket, logger } = open(odd)
      await socket.deliver('["1","1","room:1","phx_join",{}]')
      assert.ok(socket.sent.length === 1 || socket.closedWith !== undefined, 'answered')
      assert.equal(logger.entries.filter((e) => e.msg === 'plume: invalid frame').length, 1)
      assert.deepEqual(
        logger.entries.filter((e) => e.level === 'error'),
        [],
      )
    })
  }
})
