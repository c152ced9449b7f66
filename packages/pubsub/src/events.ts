// Diagnostics events: typed `node:diagnostics_channel` channels with stable `plume.*` names,
// the seam metrics, logs and dashboards hang on. Emitting code writes
// `if (ev.hasSubscribers) ev.publish({...})`, so an unobserved event costs one property read
// and never builds its payload. docs/operations.md lists every event and its payload.
import diagnostics from 'node:diagnostics_channel'

/** A named event stream carrying payloads of type `T`. */
export interface EventChannel<T> {
  /** The stable channel name, e.g. `plume.socket.connect`. */
  readonly name: string
  /** True while somebody listens; check it before building a payload. */
  readonly hasSubscribers: boolean
  /** Delivers `payload` synchronously to every subscriber. */
  publish(payload: T): void
}

/** Subscribes to `event`; returns the disposer. A throwing listener never reaches the emitter. */
export function subscribeEvent<T>(
  event: EventChannel<T>,
  listener: (payload: T) => void,
): () => void {
  const onMessage = (message: unknown): void => {
    try {
      listener(message as T)
    } catch (error) {
      // diagnostics_channel would rethrow on the next tick and crash the process.
      queueMicrotask(() => reportListenerError(event.name, error))
    }
  }
  diagnostics.subscribe(event.name, onMessage)
  return () => void diagnostics.unsubscribe(event.name, onMessage)
}

/* eslint-disable no-console -- the last resort: a broken observer must not go unnoticed */
function reportListenerError(name: string, error: unknown): void {
  console.error(`plume: a listener of ${name} threw`, error)
}
/* eslint-enable no-console */

/** Creates (or finds: names are process-wide) the channel `name`. */
export function defineEvent<T>(name: string): EventChannel<T> {
  return diagnostics.channel(name) as unknown as EventChannel<T>
}

/** What a broker connection is doing: `closed` is the adapter's own close, not an outage. */
export type BrokerState = 'connected' | 'disconnected' | 'closed'

/** `plume.pubsub.broker`: a broker adapter's connection went up or down. */
export interface BrokerEvent {
  /** The adapter's node name. */
  readonly node: string
  /** Which adapter, e.g. `redis` or `nats`. */
  readonly adapter: string
  /** Which of the adapter's connections, when it has several (Redis: publisher, subscriber). */
  readonly role?: string
  readonly state: BrokerState
}

/** Broker connection state changes. */
export const brokerEvent = defineEvent<BrokerEvent>('plume.pubsub.broker')
