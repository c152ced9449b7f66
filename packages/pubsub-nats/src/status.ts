// Turns the nats client's status stream into log lines: one warning per outage, info on
// recovery, errors as errors. Reconnecting itself is the client's job (maxReconnectAttempts).
import { DebugEvents, Events } from 'nats'
import type { NatsConnection, Status } from 'nats'
import type { Logger } from '@plume/pubsub'

/** Connection facts the adapter needs while the watcher runs. */
export interface StatusWatch {
  /** True between a disconnect and the following reconnect. */
  readonly down: boolean
  /** Ends the watch; call once the connection is closed. Resolves when the loop exited. */
  stop(): Promise<void>
}

interface MutableWatch extends StatusWatch {
  down: boolean
}

/**
 * Logs `nc`'s status events until stopped. `onReconnect` runs after each recovery.
 * @returns live connection facts and the means to end the watch.
 */
export function watchStatus(
  nc: NatsConnection,
  logger: Logger,
  onReconnect: () => void,
): StatusWatch {
  const statuses = nc.status()
  const watch: MutableWatch = {
    down: false,
    stop: async (): Promise<void> => {
      // The client does not end status iterators when it closes, so end ours explicitly.
      const stoppable = statuses as Partial<{ stop(): void }>
      if (typeof stoppable.stop === 'function') stoppable.stop()
      await done
    },
  }
  const done = (async () => {
    for await (const status of statuses) logStatus(status, watch, logger, onReconnect)
  })().catch((error: unknown) =>
    logger.error('nats status stream failed', { error: String(error) }),
  )
  return watch
}

function logStatus(
  status: Status,
  watch: MutableWatch,
  logger: Logger,
  onReconnect: () => void,
): void {
  const data = { data: typeof status.data === 'string' ? status.data : JSON.stringify(status.data) }
  switch (status.type) {
    case Events.Disconnect:
      if (!watch.down) logger.warn('nats connection lost, reconnecting', data)
      watch.down = true
      return
    case Events.Reconnect:
      if (watch.down) logger.info('nats connection restored', data)
      watch.down = false
      onReconnect()
      return
    case Events.Error:
      logger.error('nats async error', data)
      return
    case Events.LDM:
      logger.warn('nats server entering lame duck mode', data)
      return
    case Events.Update:
    case DebugEvents.Reconnecting:
    case DebugEvents.PingTimer:
    case DebugEvents.StaleConnection:
    case DebugEvents.ClientInitiatedReconnect:
      logger.debug(`nats status ${status.type}`, data)
      return
  }
}
