// `npm start`: one lobby node configured from the environment (see docs/deploying.md).
// SIGTERM/SIGINT drain the node's connections with close code 1012 and, unless
// PERMDOWN_ON_SHUTDOWN=false, tell peers to drop its presences at once; the process then
// exits 0 by itself once every handle is closed (a watchdog reports any that stay open).
import { dirname, resolve } from 'node:path'
import { fileURLToPath } from 'node:url'
import type { Logger } from '@plume/pubsub'
import { readConfig } from './config.js'
import type { LobbyConfig, LogLevel } from './config.js'
import { createLobby } from './lobby.js'
import type { Lobby } from './lobby.js'
import { pubsubFromUrl } from './pubsub-from-url.js'

/** After close() resolves, an exit that takes longer than this means a leaked handle. */
const EXIT_WATCHDOG_MS = 5000
/** Signals this close to the first one are the same signal delivered twice. */
const DUPLICATE_SIGNAL_MS = 1000

function leveledLogger(level: LogLevel): Logger {
  const rank: Record<LogLevel, number> = { debug: 0, info: 1, warn: 2, error: 3 }
  const at = (l: LogLevel, write: (...args: unknown[]) => void) =>
    rank[l] < rank[level]
      ? () => {}
      : (msg: string, data?: Record<string, unknown>) => write(msg, data ?? '')
  return {
    debug: at('debug', console.log),
    info: at('info', console.log),
    warn: at('warn', console.error),
    error: at('error', console.error),
  }
}

function buildLobby(config: LobbyConfig, logger: Logger): Lobby {
  const { nodeName, nodeTtlMs, reconnectMs } = config
  return createLobby({
    pubsub: pubsubFromUrl(config.pubsubUrl, { nodeName, logger, nodeTtlMs, reconnectMs }),
    publicDir: resolve(dirname(fileURLToPath(import.meta.url)), 'public'),
    broadcastPeriod: config.broadcastPeriod,
    downPeriod: config.downPeriod,
    permdownPeriod: config.permdownPeriod,
    phoenixTracker: config.phoenixTracker,
    ...(!config.coalesce && { coalesce: false as const }),
    logger,
  })
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
  lobby: Lobby,
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
    logger.info(`${signal}: draining ${config.nodeName}`, { permdownOnShutdown: graceful })
    await started.catch(() => undefined)
    await lobby.close({ graceful })
    logger.info(`${config.nodeName} stopped`)
    process.exitCode = 0
    armExitWatchdog(logger)
  }
  const onSignal = (signal: NodeJS.Signals): void => {
    shutdown(signal).catch((error: unknown) => {
      logger.error(`shutdown of ${config.nodeName} failed: ${String(error)}`)
      process.exit(1)
    })
  }
  process.on('SIGTERM', onSignal)
  process.on('SIGINT', onSignal)
}

// Bad configuration (environment, URL, adapter options) exits 2 with the reason on stderr.
function configure(): { config: LobbyConfig; logger: Logger; lobby: Lobby } {
  try {
    const config = readConfig()
    const logger = leveledLogger(config.logLevel)
    return { config, logger, lobby: buildLobby(config, logger) }
  } catch (error) {
    console.error(`lobby: ${(error as Error).message}`)
    process.exit(2)
  }
}

async function main(): Promise<void> {
  const { config, logger, lobby } = configure()
  const started = lobby.listen(config.port, config.host)
  installSignals(config, logger, lobby, started)
  try {
    const port = await started
    logger.info(`lobby node ${config.nodeName} on http://${config.host}:${port}/?name=Alice`, {
      pubsub: config.pubsubUrl?.replace(/\/\/[^@/]*@/g, '//***@') ?? 'in-memory',
    })
  } catch (error) {
    logger.error(`lobby node ${config.nodeName} failed to start: ${(error as Error).message}`)
    process.exit(1)
  }
}

await main()
