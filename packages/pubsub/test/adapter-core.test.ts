// AdapterCore, the lifecycle and receive path the broker adapters share: start/close rules
// (a close during a start wins, a failed start can be retried), the send guard, the size
// limit, and a receive path that skips other nodes' direct sends on their header, unread.
import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import { AdapterCore, encodeEnvelope, PubSubError } from '@plume/pubsub'
import type { Envelope, Logger, RemoteMessage } from '@plume/pubsub'

interface Logged {
  level: string
  msg: string
}

function setup(): { core: AdapterCore<{ id: number }>; got: RemoteMessage[]; logs: Logged[] } {
  const logs: Logged[] = []
  const log =
    (level: string) =>
    (msg: string): void => {
      logs.push({ level, msg })
    }
  const logger: Logger = {
    debug: log('debug'),
    info: log('info'),
    warn: log('warn'),
    error: log('error'),
  }
  const core = new AdapterCore<{ id: number }>({ kind: 'TestAdapter', nodeName: 'me', logger })
  const got: RemoteMessage[] = []
  return { core, got, logs }
}

const env = (patch: Partial<Envelope>): string =>
  encodeEnvelope({
    v: 1,
    mode: 'except',
    node: 'other',
    sender: 'other',
    topic: 't',
    dispatcher: 'default',
    message: 1,
    ...patch,
  })

const code = (c: string) => (e: unknown) => e instanceof PubSubError && e.code === c

describe('AdapterCore lifecycle', () => {
  it('starts once, refuses a second start, and guards sends until started', () => {
    const { core, got } = setup()
    assert.throws(() => core.requireStarted(), code('NOT_STARTED'))
    core.beginStart((m) => got.push(m))
    assert.throws(() => core.beginStart(() => {}), code('ALREADY_STARTED'))
    core.attach({ id: 1 })
    assert.throws(() => core.requireStarted(), code('NOT_STARTED'))
    assert.equal(core.finishStart(), true)
    assert.deepEqual(core.requireStarted(), { id: 1 })
  })

  it('a failed start goes back to idle and can be retried', () => {
    const { core } = setup()
    core.beginStart(() => {})
    const live = { id: 1 }
    core.attach(live)
    core.failStart(live)
    assert.equal(core.state, 'idle')
    assert.equal(core.live, undefined)
    core.beginStart(() => {})
    assert.equal(core.state, 'starting')
  })

  it('a close during a start wins: finishStart reports it, and nothing is delivered', () => {
    const { core, got } = setup()
    core.beginStart((m) => got.push(m))
    const live = { id: 1 }
    core.attach(live)
    assert.equal(core.close(), live)
    assert.equal(core.finishStart(), false)
    core.receive(env({}), {})
    assert.deepEqual(got, [])
    assert.throws(() => core.requireStarted(), code('CLOSED'))
    assert.throws(() => core.beginStart(() => {}), code('CLOSED'))
    assert.equal(core.close(), undefined)
  })

  it('encode refuses an envelope above the size limit with BAD_MESSAGE', () => {
    const { core } = setup()
    const msg = { topic: 't', dispatcher: 'default', message: 'x'.repeat(5000) }
    assert.ok(core.encode('except', 'me', msg, 6000).length > 5000)
    assert.throws(() => core.encode('except', 'me', msg, 4096), code('BAD_MESSAGE'))
  })
})

describe('AdapterCore receive', () => {
  it('delivers broadcasts of others and directs to this node, from text or UTF-8 bytes', () => {
    const { core, got, logs } = setup()
    core.beginStart((m) => got.push(m))
    core.receive(env({ message: 'b' }), {})
    core.receive(new TextEncoder().encode(env({ mode: 'only', node: 'me', message: 'd' })), {})
    core.receive(env({ node: 'me', message: 'own broadcast' }), {})
    core.receive(env({ mode: 'only', node: 'mex', message: 'direct to another' }), {})
    assert.deepEqual(
      got.map((m) => m.message),
      ['b', 'd'],
    )
    assert.equal(logs.length, 0)
  })

  it("skips other nodes' direct sends on the header, without decoding the rest", () => {
    const { core, got, logs } = setup()
    core.beginStart((m) => got.push(m))
    const corruptBody = env({ mode: 'only', node: 'other' }).replace('"message":1', '"message":{')
    core.receive(corruptBody, {})
    assert.equal(logs.length, 0, 'a direct send to another node is not even parsed')
    core.receive(env({ mode: 'only', node: 'me' }).replace('"message":1', '"message":{'), {
      at: 'x',
    })
    assert.deepEqual(
      logs.map((l) => l.level),
      ['warn'],
      'one addressed to this node is',
    )
    assert.deepEqual(got, [])
  })

  it('logs a malformed message or invalid UTF-8 and a throwing deliver, and never throws', () => {
    const { core, logs } = setup()
    core.beginStart(() => {
      throw new Error('boom')
    })
    core.receive('not json', {})
    core.receive(new Uint8Array([0xff, 0xfe]), {})
    core.receive(env({}), {})
    assert.deepEqual(
      logs.map((l) => l.level),
      ['warn', 'warn', 'error'],
    )
  })
})
