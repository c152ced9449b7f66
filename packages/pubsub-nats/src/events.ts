// Publishes `plume.pubsub.broker` for the adapter's NATS connection: `connected` now and on
// each reconnect, `disconnected` on each outage, `closed` once closed. See docs/operations.md.
import { Events } from 'nats'
import type { NatsConnection } from 'nats'
import { brokerEvent, type BrokerState } from '@plume/pubsub'

/** Reports `nc`'s connection state changes under `node` until it closes. */
export function reportBrokerState(nc: NatsConnection, node: string): void {
  const report = (state: BrokerState): void => {
    if (brokerEvent.hasSubscribers) brokerEvent.publish({ node, adapter: 'nats', state })
  }
  const statuses = nc.status()
  report('connected')
  ;(async () => {
    for await (const status of statuses) {
      if (status.type === Events.Disconnect) report('disconnected')
      if (status.type === Events.Reconnect) report('connected')
    }
  })().catch(() => {
    // The stream ends with the connection's error when it closes on one; the adapter's
    // status watcher logs that, and closed() below reports the end.
  })
  // The client never ends status iterators by itself.
  void nc.closed().then(() => {
    ;(statuses as Partial<{ stop(): void }>).stop?.()
    report('closed')
  })
}
