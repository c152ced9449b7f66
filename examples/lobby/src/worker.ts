// One lobby worker of `WORKERS=N npm start`: a node named `<NODE_NAME>-w<id>` whose PubSub
// runs over the cluster adapter (or over PUBSUB_URL's broker when one is given), whose
// long-poll tokens name the worker so every request of a session reaches it, and which
// disconnects from the primary once drained so the process can exit by itself.
import cluster from 'node:cluster'
import type { IncomingMessage, Server } from 'node:http'
import type { Duplex } from 'node:stream'
import { PubSub } from '@plume/pubsub'
import type { Logger } from '@plume/pubsub'
import { ClusterAdapter, StickyLongPoll } from '@plume/pubsub-cluster'
import type { LobbyConfig } from './config.js'
import { createLobby } from './lobby.js'
import type { LobbyOptions } from './lobby.js'
import { adapterFromUrl } from './pubsub-from-url.js'

/** What main.ts runs: a lobby node it can start and stop. */
export interface LobbyProcess {
  readonly nodeName: string
  listen(port: number, host: string): Promise<number>
  close(opts: { graceful: boolean }): Promise<void>
}

type Shared = Pick<
  LobbyOptions,
  'publicDir' | 'broadcastPeriod' | 'downPeriod' | 'permdownPeriod' | 'coalesce'
>

/** The lobby of one cluster worker. */
export function workerLobby(config: LobbyConfig, logger: Logger, shared: Shared): LobbyProcess {
  const nodeName = `${config.nodeName}-w${cluster.worker?.id ?? '?'}`
  const adapter =
    adapterFromUrl(config.pubsubUrl, { ...config, nodeName, logger }) ??
    new ClusterAdapter({ nodeName, logger })
  const sticky = new StickyLongPoll({ logger })
  const lobby = createLobby({
    ...shared,
    pubsub: new PubSub({ adapter, logger }),
    longpoll: { tokenPrefix: sticky.tokenPrefix },
    logger,
  })
  logUpgrades(lobby.http, nodeName, logger)
  return {
    nodeName,
    async listen(port, host) {
      await sticky.attach(lobby.http)
      return lobby.listen(port, host)
    },
    async close(opts) {
      await lobby.close(opts)
      await sticky.close()
      // The IPC channel keeps a worker alive; leaving the cluster lets it exit by itself.
      cluster.worker?.disconnect()
    },
  }
}

// Which worker took which WebSocket: operators (and the tests) read it at LOG_LEVEL=debug.
// Wrapping the listeners keeps their count, which the endpoint reads to refuse stray upgrades.
function logUpgrades(http: Server, nodeName: string, logger: Logger): void {
  const listeners = http.listeners('upgrade') as Array<(...args: unknown[]) => void>
  http.removeAllListeners('upgrade')
  http.on('upgrade', (req: IncomingMessage, socket: Duplex, head: Buffer) => {
    logger.debug(`lobby worker ${nodeName}: websocket ${req.url ?? ''}`)
    for (const l of listeners) l.call(http, req, socket, head)
  })
}
