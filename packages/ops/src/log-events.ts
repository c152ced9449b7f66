// One log line per notable event: connections, channel joins and leaves, replica liveness,
// broker state and limit hits, at a level that says how much an operator should care.
// Crashes are not repeated here: the server already logs them with their error.
import { brokerEvent, subscribeEvent, type EventChannel, type Logger } from '@plume/pubsub'
import { channelJoin, channelLeave, limitHit, socketConnect, socketDisconnect } from '@plume/server'
import { replicaEvent, transferEvent } from '@plume/tracker'

/** Options of {@link logEvents}. */
export interface LogEventsOptions {
  /** Log only events of this node (several nodes in one process). @default every node */
  node?: string
}

type Level = keyof Logger

/**
 * Writes one line per notable event to `logger`: socket connect/disconnect and channel
 * join/leave at debug, replica up and broker connected at info, replica down/permdown,
 * broker disconnected (an outage, not a close) and limit hits at warn. Returns the disposer.
 */
export function logEvents(logger: Logger, options: LogEventsOptions = {}): () => void {
  const on = <T extends { readonly node: string | undefined }>(
    event: EventChannel<T>,
    line: (p: T) => [Level, string],
  ) =>
    subscribeEvent(event, (p) => {
      if (options.node !== undefined && p.node !== undefined && p.node !== options.node) return
      const [level, msg] = line(p)
      logger[level](msg, { ...p })
    })
  const disposers = [
    on(socketConnect, () => ['debug', 'plume: socket connected']),
    on(socketDisconnect, () => ['debug', 'plume: socket disconnected']),
    on(channelJoin, (p) => ['debug', `plume: channel join ${p.status}`]),
    on(channelLeave, () => ['debug', 'plume: channel left']),
    on(transferEvent, (p) => ['debug', `plume: tracker transfer ${p.stage}`]),
    on(replicaEvent, (p) => [p.status === 'up' ? 'info' : 'warn', `plume: replica ${p.status}`]),
    on(brokerEvent, (p) => [
      p.state === 'disconnected' ? 'warn' : 'info',
      `plume: broker ${p.state}`,
    ]),
    on(limitHit, (p) => ['warn', `plume: limit ${p.limit} hit`]),
  ]
  return () => disposers.forEach((dispose) => dispose())
}
