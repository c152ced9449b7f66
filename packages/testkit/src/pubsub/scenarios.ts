// Scenarios every broker adapter (Redis, NATS) must pass beyond the conformance suite of
// @plume/pubsub/testing: name claims, binary payloads, malformed traffic and lifecycle
// errors. Each test file supplies how to build its adapters on its own private broker.
import assert from 'node:assert/strict'
import { randomUUID } from 'node:crypto'
import { describe, it } from 'node:test'
import type { Adapter, Logger } from '@plume/pubsub'
import { isCode, msg } from './messages.js'
import { Inbox, RecordingLogger } from './recorders.js'

/** How the shared scenarios build adapters of one kind. */
export interface AdapterFixture<A extends Adapter> {
  /** A new adapter on the test file's broker; the test file closes it at teardown. */
  readonly adapter: (options: { nodeName: string; prefix: string; logger?: Logger }) => A
  /** Publishes malformed traffic straight to `target`'s channels; returns how many messages. */
  readonly injectJunk: (target: A) => Promise<number>
}

/** Registers the shared adapter scenarios (a `describe` block) for the current test file. */
export function adapterScenarios<A extends Adapter>(fixture: AdapterFixture<A>): void {
  void describe('shared adapter scenarios', () => {
    void it('refuses a second live node with the same name, with a clear message', () =>
      refusesDuplicateName(fixture))
    void it('allows the name again once the holder closed', () => reusesFreedName(fixture))
    void it('carries binary payloads byte-exact', () => carriesBinary(fixture))
    void it('logs and drops malformed messages, then keeps delivering', () =>
      dropsMalformed(fixture))
    void it('rejects messages that cannot travel with BAD_MESSAGE', () =>
      rejectsBadMessage(fixture))
    void it('rejects use before start and after close', () => guardsLifecycle(fixture))
  })
}

async function refusesDuplicateName<A extends Adapter>({
  adapter,
}: AdapterFixture<A>): Promise<void> {
  const prefix = `dup-${randomUUID()}`
  const first = adapter({ nodeName: 'web-1', prefix })
  const firstInbox = new Inbox()
  await first.start(firstInbox.deliver)
  const second = adapter({ nodeName: 'web-1', prefix })
  await assert.rejects(second.start(new Inbox().deliver), (error: unknown) => {
    assert.ok(isCode('DUPLICATE_NODE')(error))
    assert.match((error as Error).message, /node name "web-1" is already used by a live node/)
    assert.match((error as Error).message, /unique nodeName/)
    return true
  })
  // The refused node left the live one intact: broadcasts and its name still reach it.
  const other = adapter({ nodeName: 'web-2', prefix })
  await other.start(new Inbox().deliver)
  await other.broadcast(msg('still-works'))
  await other.directBroadcast('web-1', msg('still-direct'))
  await firstInbox.topic('still-works')
  await firstInbox.topic('still-direct')
}

async function reusesFreedName<A extends Adapter>({ adapter }: AdapterFixture<A>): Promise<void> {
  const prefix = `dup-${randomUUID()}`
  const first = adapter({ nodeName: 'web-1', prefix })
  await first.start(new Inbox().deliver)
  const second = adapter({ nodeName: 'web-1', prefix })
  await assert.rejects(second.start(new Inbox().deliver), isCode('DUPLICATE_NODE'))
  await first.close()
  const inbox = new Inbox()
  await second.start(inbox.deliver) // a refused start can be retried
  const sender = adapter({ nodeName: 'web-2', prefix })
  await sender.start(new Inbox().deliver)
  await sender.directBroadcast('web-1', msg('to-new-holder'))
  await inbox.topic('to-new-holder')
}

async function carriesBinary<A extends Adapter>({ adapter }: AdapterFixture<A>): Promise<void> {
  const prefix = `bin-${randomUUID()}`
  const a = adapter({ nodeName: 'a', prefix })
  const b = adapter({ nodeName: 'b', prefix })
  const inbox = new Inbox()
  await a.start(new Inbox().deliver)
  await b.start(inbox.deliver)
  const bytes = Uint8Array.from({ length: 512 }, (_, i) => (i * 7) % 256)
  await a.broadcast(msg('bin', { bytes, nested: [new Uint8Array([0, 255, 10, 13])] }))
  const message = (await inbox.topic('bin')).message as { bytes: unknown; nested: unknown[] }
  assert.ok(message.bytes instanceof Uint8Array)
  assert.deepEqual(Array.from(message.bytes), Array.from(bytes))
  assert.deepEqual(Array.from(message.nested[0] as Uint8Array), [0, 255, 10, 13])
}

async function dropsMalformed<A extends Adapter>({
  adapter,
  injectJunk,
}: AdapterFixture<A>): Promise<void> {
  const prefix = `bad-${randomUUID()}`
  const logger = new RecordingLogger()
  const a = adapter({ nodeName: 'a', prefix, logger })
  const inbox = new Inbox()
  await a.start(inbox.deliver)
  const junk = await injectJunk(a)
  const b = adapter({ nodeName: 'b', prefix })
  await b.start(new Inbox().deliver)
  await b.broadcast(msg('after-junk'))
  await inbox.topic('after-junk')
  assert.equal(logger.count('warn', 'malformed'), junk)
  assert.deepEqual(
    inbox.items.map((m) => m.topic),
    ['after-junk'],
  )
}

async function rejectsBadMessage<A extends Adapter>({ adapter }: AdapterFixture<A>): Promise<void> {
  const a = adapter({ nodeName: 'a', prefix: `bm-${randomUUID()}` })
  await a.start(new Inbox().deliver)
  await assert.rejects(a.broadcast(msg('t', { n: 10n })), isCode('BAD_MESSAGE'))
}

async function guardsLifecycle<A extends Adapter>({ adapter }: AdapterFixture<A>): Promise<void> {
  const a = adapter({ nodeName: 'a', prefix: `lc-${randomUUID()}` })
  await assert.rejects(a.broadcast(msg('t')), isCode('NOT_STARTED'))
  await a.start(new Inbox().deliver)
  await assert.rejects(a.start(new Inbox().deliver), isCode('ALREADY_STARTED'))
  await a.close()
  await a.close()
  await assert.rejects(a.directBroadcast('a', msg('t')), isCode('CLOSED'))
  await assert.rejects(a.start(new Inbox().deliver), isCode('CLOSED'))
}
