// NatsAdapter behaviour beyond the conformance suite: the broker-adapter scenarios shared
// with Redis (@plume/testkit/pubsub), then NATS specifics: name claims (also two nodes
// starting at once), subject-unsafe names, server lists with a dead entry, option checks.
import { after, before, describe, it } from 'node:test'
import assert from 'node:assert/strict'
import { randomUUID } from 'node:crypto'
import { connect } from 'nats'
import type { NatsConnection } from 'nats'
import { silentLogger } from '@plume/pubsub'
import { NatsAdapter } from '@plume/pubsub-nats'
import type { NatsAdapterOptions } from '@plume/pubsub-nats'
import { freePort, startBroker, type Broker } from '@plume/testkit'
import { adapterScenarios, Inbox, isCode, msg } from '@plume/testkit/pubsub'

void describe('NatsAdapter', () => {
  let server: Broker
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
    server = await startBroker('nats')
    raw = await connect({ servers: server.url })
  })
  after(async () => {
    await Promise.all(open.map((a) => a.close()))
    await raw.close()
    await server.stop()
  })

  adapterScenarios({
    adapter,
    injectJunk: async (target) => {
      const junk = [
        new TextEncoder().encode('not json'),
        new TextEncoder().encode('{"v":2}'),
        new Uint8Array([0xff, 0xfe, 0x00]),
        new Uint8Array(0),
      ]
      for (const data of junk) raw.publish(target.subjects.all, data)
      raw.publish(target.subjects.self, new TextEncoder().encode('[]'))
      await raw.flush()
      return junk.length + 1
    },
  })

  void describe('duplicate node names', () => {
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
