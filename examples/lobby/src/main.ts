// `npm start`: one lobby node configured from the environment (see docs/deploying.md), or
// with WORKERS=N a node:cluster primary (primary.ts) whose N workers each run this file as
// one node (worker.ts). SIGTERM/SIGINT drain the node's connections with close code 1012
// and, unless PERMDOWN_ON_SHUTDOWN=false, tell peers to drop its presences at once; the
// process then exits 0 by itself once every handle is closed (a watchdog reports any that
// stay open).
import cluster from 'node:cluster'
import { dirname, resolve } from 'node:path'
import { fileURLToPath } from 'node:url'
import { createLogger, type Logger } from '@plume/pubsub'
import { logEvents } from '@plume/ops'
import { readConfig } from './config.js'
import type { LobbyConfig } from './config.js'
import { readOpsConfig, tokenCheck, type OpsConfig } from './ops-config.js'
import { createLobby } from './lobby.js'
import { pubsubFromUrl } from './pubsub-from-url.js'
import type { LobbyProcess } from './worker.js'
import { readWorkers } from './workers-config.js'

/** After close() resolves, an exit that takes longer than this means a leaked handle. */
const EXIT_WATCHDOG_MS = 5000
/** Signals this close to the first one are the same signal delivered twice. */
const DUPLICATE_SIGNAL_MS = 1000

// The cluster modules load only in cluster mode: a single node starts as it always did.
async function buildLobby(
  config: LobbyConfig,
  logger: Logger,
  ops: OpsConfig,
): Promise<LobbyProcess> {
  const { nodeName, nodeTtlMs, reconnectMs } = config
  const shared = {
    // PUBLIC_DIR serves a page built elsewhere (the browser tests build one from source).
    publicDir:
      process.env['PUBLIC_DIR'] || resolve(dirname(fileURLToPath(import.meta.url)), 'public'),
    broadcastPeriod: config.broadcastPeriod,
    downPeriod: config.downPeriod,
    permdownPeriod: config.permdownPeriod,
    auth: config.auth,
    phoenixTracker: config.phoenixTracker,
    anyRoom: config.anyRoom,
    countOnly: config.countOnly,
    ...(!config.coalesce && { coalesce: false as const }),
  }
  if (cluster.isWorker) return (await import('./worker.js')).workerLobby(config, logger, shared)
  const lobby = createLobby({
    ...shared,
    pubsub: pubsubFromUrl(config.pubsubUrl, { nodeName, logger, nodeTtlMs, reconnectMs }),
    logger,
    metrics: ops.metrics,
    dashboard: ops.dashboardToken === undefined ? undefined : tokenCheck(ops.dashboardToken),
  })
  return {
    nodeName,
    listen: (port, host) => lobby.listen(port, host),
    close: (o) => lobby.close(o),
  }
}

// Exiting by itself (rather than process.exit) proves shutdown closed every socket and
// timer; the unref'd watchdog only fires, and names the culprits, when something leaked.
function armExitWatchdog(logger: Logger): void {
  setTimeout(() => {
    logger.error('shutdown finished but handles keep the process alive; forcing exit', {
      handles: process.getActiveResourcesInfo(),
    })
    process.exit(0)
  }, EXIT_WATCHDOG_MS).unref()
}

function installSignals(
  config: LobbyConfig,
  logger: Logger,
  lobby: LobbyProcess,
  started: Promise<unknown>,
): void {
  let stoppingSince: number | undefined
  const shutdown = async (signal: NodeJS.Signals): Promise<void> => {
    if (stoppingSince !== undefined) {
      // `npm start` plus a terminal's Ctrl-C deliver the same SIGINT twice at once: only a
      // deliberate second signal, a moment later, skips the rest of the drain.
      if (performance.now() - stoppingSince < DUPLICATE_SIGNAL_MS) return
      logger.warn(`${signal} again: exiting without finishing the drain`)
      process.exit(1)
    }
    stoppingSince = performance.now()
    const graceful = config.permdownOnShutdown
    logger.info(`${signal}: draining ${lobby.nodeName}`, { permdownOnShutdown: graceful })
    await started.catch(() => undefined)
    await lobby.close({ graceful })
    logger.info(`${lobby.nodeName} stopped`)
    process.exitCode = 0
    armExitWatchdog(logger)
  }
  const onSignal = (signal: NodeJS.Signals): void => {
    shutdown(signal).catch((error: unknown) => {
      logger.error(`shutdown of ${lobby.nodeName} failed: ${String(error)}`)
      process.exit(1)
    })
  }
  process.on('SIGTERM', onSignal)
  process.on('SIGINT', onSignal)
}

// Bad configuration (environment, URL, adapter options) exits 2 with the reason on stderr.
function configure(): {
  config: LobbyConfig
  logger: Logger
  ops: OpsConfig
  workers: number
} {
  try {
    const config = readConfig()
    const ops = readOpsConfig()
    const logger = createLogger({ level: config.logLevel, format: ops.logFormat })
    return { config, logger, ops, workers: readWorkers() }
  } catch (error) {
    console.error(`lobby: ${(error as Error).message}`)
    process.exit(2)
  }
}

async function build(config: LobbyConfig, logger: Logger, ops: OpsConfig): Promise<LobbyProcess> {
  try {
    logEvents(logger, { node: config.nodeName })
    return await buildLobby(config, logger, ops)
  } catch (error) {
    console.error(`lobby: ${(error as Error).message}`)
    process.exit(2)
  }
}

async function main(): Promise<void> {
  const { config, logger, ops, workers } = configure()
  if (workers > 1 && cluster.isPrimary) {
    return (await import('./primary.js')).runPrimary(workers, config, logger)
  }
  const lobby = await build(config, logger, ops)
  const started = lobby.listen(config.port, config.host)
  installSignals(config, logger, lobby, started)
  try {
    const port = await started
    logger.info(`lobby node ${lobby.nodeName} on http://${config.host}:${port}/?name=Alice`, {
      pubsub:
        config.pubsubUrl?.replace(/\/\/[^@/]*@/g, '//***@') ??
        (cluster.isWorker ? 'node:cluster' : 'in-memory'),
      ...(cluster.isWorker && { pid: process.pid }),
    })
  } catch (error) {
    logger.error(`lobby node ${lobby.nodeName} failed to start: ${(error as Error).message}`)
    process.exit(1)
  }
}

await main()
