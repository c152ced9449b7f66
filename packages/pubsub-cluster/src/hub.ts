// The primary's side: listens to every worker of node:cluster, feeds what they say to the
// Router and sends its answers. The primary holds no PubSub of its own; it only relays.

import nodeCluster from 'node:cluster'
import type { Cluster, Worker } from 'node:cluster'
import { silentLogger, type Logger } from '@plume/pubsub'
import { Router, type Outgoing } from './router.js'
import { asFromWorker, isTagged } from './wire.js'

/** Options of {@link startClusterHub}. */
export interface ClusterHubOptions {
  /** The cluster to serve. @default node:cluster */
  cluster?: Cluster
  /** Receives malformed messages and failed sends. @default silentLogger */
  logger?: Logger
}

/** A running hub; `stop()` detaches it from the cluster. */
export interface ClusterHub {
  /** Node names currently registered, in registration order. */
  readonly nodes: readonly string[]
  stop(): void
}

/**
 * Makes this process (the cluster primary) relay PubSub traffic and long-poll routing
 * between its workers. Call it once, before forking; workers use `ClusterAdapter`.
 * @example
 * if (cluster.isPrimary) { startClusterHub(); for (let i = 0; i < 4; i++) cluster.fork() }
 * else { const pubsub = new PubSub({ adapter: new ClusterAdapter() }) }
 */
export function startClusterHub(options: ClusterHubOptions = {}): ClusterHub {
  const cluster = options.cluster ?? nodeCluster
  const logger = options.logger ?? silentLogger
  if (!cluster.isPrimary) throw new Error('startClusterHub() must run in the cluster primary')
  const router = new Router()
  const send = (out: readonly Outgoing[]): void => {
    for (const { worker, msg } of out) sendTo(cluster.workers?.[worker], msg, logger)
  }
  const onMessage = (worker: Worker, raw: unknown): void => {
    if (!isTagged(raw)) return // the application's own IPC
    const msg = asFromWorker(raw)
    if (msg === undefined) {
      logger.warn('plume cluster hub: malformed message dropped', { worker: worker.id })
      return
    }
    send(router.receive(worker.id, msg))
  }
  const onExit = (worker: Worker): void => send(router.exited(worker.id))
  cluster.on('message', onMessage)
  cluster.on('exit', onExit)
  return {
    get nodes() {
      return router.nodes
    },
    stop() {
      cluster.off('message', onMessage)
      cluster.off('exit', onExit)
    },
  }
}

function sendTo(worker: Worker | undefined, msg: object, logger: Logger): void {
  // A worker between 'disconnect' and 'exit' is still listed but can no longer be written.
  if (worker === undefined || !worker.isConnected()) return
  // The callback keeps a failed write from becoming an 'error' event on the child process.
  worker.send(msg, undefined, undefined, (error) => {
    if (error) logger.debug('plume cluster hub: send to a worker failed', { error })
  })
}
