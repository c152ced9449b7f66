// Broker outage steps shared by the Redis and NATS reconnect tests: crash the broker under
// running adapters, bring it back on the same port, and check what the adapters did.
import assert from 'node:assert/strict'
import type { Adapter } from '@plume/pubsub'
import { deliverEventually, probe } from './messages.js'
import { Inbox } from './recorders.js'
import type { RecordingLogger } from './recorders.js'

/** A broker the outage scenarios can crash and bring back on the same port. */
export interface Restartable {
  kill(): Promise<void>
  restart(): Promise<void>
}

/** What {@link brokerOutage} drives: `from` broadcasts, `inbox` belongs to a second adapter. */
export interface OutageFixture {
  readonly broker: Restartable
  readonly from: Adapter
  readonly inbox: Inbox
  readonly logger: RecordingLogger
  /** The adapter's log prefix, e.g. `redis` for "redis connection lost". */
  readonly label: string
}

/**
 * Delivers, crashes the broker, broadcasts while it is down (that message must be dropped,
 * neither rejected nor queued), restarts it, and waits until delivery works again.
 */
export async function brokerOutage(f: OutageFixture): Promise<void> {
  await f.from.broadcast(probe(0))
  await f.inbox.topic('probe-0')
  await f.broker.kill()
  await f.logger.line('warn', `${f.label} connection lost`)
  await f.from.broadcast(probe(-1))
  await f.broker.restart()
  await f.logger.line('info', `${f.label} connection restored`)
  await deliverEventually(f.from, f.inbox)
  assert.equal(f.inbox.items.filter((m) => m.topic === 'probe--1').length, 0)
}

/** Starts `adapter`, crashes the broker, and checks that close() still completes promptly. */
export async function closeWhileDown(
  f: Omit<OutageFixture, 'from' | 'inbox'> & { adapter: Adapter },
): Promise<void> {
  await f.adapter.start(new Inbox().deliver)
  await f.broker.kill()
  await f.logger.line('warn', `${f.label} connection lost`)
  await f.adapter.close()
  await assert.rejects(f.adapter.broadcast(probe(1)), /closed/)
}
