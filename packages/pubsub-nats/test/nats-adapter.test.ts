// NatsAdapter behaviour beyond the shared conformance suite: node-name claims (also two
// nodes starting at once), malformed traffic, binary payloads, awkward names, server lists
// with a dead entry, lifecycle errors. Runs a private nats-server.
import { after, before, describe, it } from 'node:test'
import assert from 'node:assert/strict'
import { randomUUID } from 'node:crypto'
import { connect } from 'nats'
import type { NatsConnection } from 'nats'
import { PubSubError, silentLogger } from '@plume/pubsub'
import type { RemoteMessage } from '@plume/pubsub'
import { NatsAdapter } from '@plume/pubsub-nats'
import type { NatsAdapterOptions } from '@plume/pubsub-nats'
import { NatsServer, freePort } from './support/nats-server.js'
import { Inbox, RecordingLogger } from './support/recorders.js'

const msg = (topic: string, message: unknown = { n: 1 }): RemoteMessage => ({
  topic,
  message,
  dispatcher: 'default',
})

function isCode(code: string): (error: unknown) => boolean {
  return (error) => error instanceof PubSubError && error.code === code
}

void describe('NatsAdapter', () => {
  let server: NatsServer
  let raw: NatsConnection
  const open: NatsAdapter[] = []
  const adapter = (
    options: Omit<NatsAdapterOptions, 'servers'> & { servers?: string | string[] },
  ): NatsAdapter => {
    const created = new NatsAdapter({
      servers: server.url,
      logger: silentLogger,
      claimTimeoutMs: 50,
      ...options,
    })
    open.push(created)
    return created
  }

  before(async () => {
    server = await NatsServer.start()
    raw = await connect({ servers: server.url })
  })
  after(async () => {
    await Promise.all(open.map((a) => a.close()))
    await raw.close()
    await server.stop()
  })

  void describe('duplicate node names', () => {
    void it('refuses a second live node with the same name, with a clear message', async () => {
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
      const other = adapter({ nodeName: 'web-2', prefix })
      await other.start(new Inbox().deliver)
      await other.directBroadcast('web-1', msg('still-works'))
      await firstInbox.topic('still-works')
    })

    void it('allows the name again once the holder closed', async () => {
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
    })

    void it('lets exactly one of two nodes starting at the same moment have the name', async () => {
      for (let round = 0; round < 5; round++) {
        const prefix = `race-${randomUUID()}`
        const pair = [adapter({ nodeName: 'same', prefix }), adapter({ nodeName: 'same', prefix })]
        const results = await Promise.allSettled(pair.map((a) => a.start(new Inbox().deliver)))
        const won = results.filter((r) => r.status === 'fulfilled')
        const lost = results.filter((r) => r.status === 'rejected')
        assert.equal(won.length, 1, `round ${round}: exactly one start succeeds`)
        assert.ok(
          isCode('DUPLICATE_NODE')(lost[0]?.reason),
          `round ${round}: ${String(lost[0]?.reason)}`,
        )
      }
    })
  })

  void describe('messages', () => {
    void it('carries binary payloads byte-exact', async () => {
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
    })

    void it('handles node names and topics that are not subject-safe', async () => {
      const prefix = `names-${randomUUID()}`
      const name = 'web.1 *> é/:'
      const a = adapter({ nodeName: 'a', prefix })
      const odd = adapter({ nodeName: name, prefix })
      const near = adapter({ nodeName: 'web', prefix }) // a prefix of the odd name's bytes
      const inbox = new Inbox()
      const nearInbox = new Inbox()
      await Promise.all([
        a.start(new Inbox().deliver),
        odd.start(inbox.deliver),
        near.start(nearInbox.deliver),
      ])
      await a.directBroadcast(name, msg('room:lobby.*>'))
      await a.directBroadcast('', msg('nobody')) // no node can be named ''; silently ignored
      await inbox.topic('room:lobby.*>')
      await a.directBroadcast('web', msg('near'))
      await nearInbox.topic('near')
      assert.deepEqual(
        nearInbox.items.map((m) => m.topic),
        ['near'],
      )
    })

    void it('logs and drops malformed messages, then keeps delivering', async () => {
      const prefix = `bad-${randomUUID()}`
      const logger = new RecordingLogger()
      const a = adapter({ nodeName: 'a', prefix, logger })
      const inbox = new Inbox()
      await a.start(inbox.deliver)
      const junk = [
        new TextEncoder().encode('not json'),
        new TextEncoder().encode('{"v":2}'),
        new Uint8Array([0xff, 0xfe, 0x00]),
        new Uint8Array(0),
      ]
      for (const data of junk) raw.publish(a.subjects.all, data)
      raw.publish(a.subjects.self, new TextEncoder().encode('[]'))
      await raw.flush()
      const b = adapter({ nodeName: 'b', prefix })
      await b.start(new Inbox().deliver)
      await b.broadcast(msg('after-junk'))
      await inbox.topic('after-junk')
      assert.equal(logger.count('warn', 'malformed'), junk.length + 1)
      assert.deepEqual(
        inbox.items.map((m) => m.topic),
        ['after-junk'],
      )
    })

    void it('rejects messages that cannot travel with BAD_MESSAGE', async () => {
      const a = adapter({ nodeName: 'a', prefix: `bm-${randomUUID()}` })
      await a.start(new Inbox().deliver)
      await assert.rejects(a.broadcast(msg('t', { n: 10n })), isCode('BAD_MESSAGE'))
    })
  })

  void describe('servers', () => {
    void it('connects through a server list whose first entry is dead', async () => {
      const dead = `nats://127.0.0.1:${await freePort()}`
      const prefix = `list-${randomUUID()}`
      const connectOptions = { noRandomize: true }
      const a = adapter({ nodeName: 'a', prefix, servers: [dead, server.url], connectOptions })
      const b = adapter({ nodeName: 'b', prefix, servers: [server.url, dead], connectOptions })
      const inbox = new Inbox()
      await a.start(new Inbox().deliver)
      await b.start(inbox.deliver)
      await a.broadcast(msg('via-list'))
      await inbox.topic('via-list')
    })

    void it('fails start when no server is reachable', async () => {
      const a = adapter({ nodeName: 'a', servers: `nats://127.0.0.1:${await freePort()}` })
      await assert.rejects(a.start(new Inbox().deliver), /CONNECTION_REFUSED/)
    })
  })

  void describe('lifecycle', () => {
    void it('rejects use before start and after close', async () => {
      const a = adapter({ nodeName: 'a', prefix: `lc-${randomUUID()}` })
      await assert.rejects(a.broadcast(msg('t')), isCode('NOT_STARTED'))
      await a.start(new Inbox().deliver)
      await assert.rejects(a.start(new Inbox().deliver), isCode('ALREADY_STARTED'))
      await a.close()
      await a.close()
      await assert.rejects(a.directBroadcast('a', msg('t')), isCode('CLOSED'))
      await assert.rejects(a.start(new Inbox().deliver), isCode('CLOSED'))
    })

    void it('validates options up front', () => {
      const bad: unknown[] = [
        { servers: 'nats://x', nodeName: '' },
        { servers: [], nodeName: 'x' },
        { servers: 'nats://x', nodeName: 'x', prefix: 'a..b' },
        { servers: 'nats://x', nodeName: 'x', prefix: 'a.*' },
        { servers: 'nats://x', nodeName: 'x', claimTimeoutMs: -1 },
      ]
      for (const options of bad) {
        assert.throws(
          () => new NatsAdapter(options as NatsAdapterOptions),
          isCode('INVALID_ARGUMENT'),
        )
      }
    })
  })
})
