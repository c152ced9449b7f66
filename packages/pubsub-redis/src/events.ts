// Publishes `plume.pubsub.broker` for one ioredis connection: `connected` when it is ready,
// `disconnected` when it drops, `closed` once it will not reconnect (the adapter closed it).
// See docs/operations.md.
import type { Redis } from 'ioredis'
import { brokerEvent, type BrokerState } from '@plume/pubsub'

/** Reports `redis`'s connection state changes under `node` and `role`. */
export function reportBrokerState(redis: Redis, node: string, role: string): void {
  const report = (state: BrokerState): void => {
    if (brokerEvent.hasSubscribers) brokerEvent.publish({ node, adapter: 'redis', role, state })
  }
  redis.on('ready', () => report('connected'))
  redis.on('close', () => report('disconnected'))
  redis.on('end', () => report('closed'))
}
