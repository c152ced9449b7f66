// The primary of `WORKERS=N npm start`: relays PubSub between workers (the cluster hub),
// forks N lobby workers sharing one port, restarts any that dies (unless they die too fast
// to be worth it), and on SIGTERM/SIGINT drains every worker, then exits with the worst
// exit code. Connections are spread by node:cluster's round-robin; long-poll sessions
// stay on their worker through StickyLongPoll in each worker.
import cluster from 'node:cluster'
import type { Worker } from 'node:cluster'
import type { Logger } from '@plume/pubsub'
import { startClusterHub } from '@plume/pubsub-cluster'
import type { LobbyConfig } from './config.js'
import { RestartPolicy } from './restart-policy.js'

/** A second signal sooner than this after the first is the same signal delivered twice. */
const DUPLICATE_SIGNAL_MS = 1000
/** A lobby process exits 2 on a configuration it cannot use (see main.ts). */
const CONFIG_EXIT = 2

class Primary {
  readonly #count: number
  readonly #config: LobbyConfig
  readonly #logger: Logger
  readonly #policy = new RestartPolicy()
  readonly #listening = new Set<number>()
  /** Forked and not yet exited. (cluster.workers may still list a worker in its 'exit'.) */
  readonly #alive = new Map<number, Worker>()
  #stoppingSince: number | undefined
  #announced = false
  #worst = 0

  constructor(count: number, config: LobbyConfig, logger: Logger) {
    this.#count = count
    this.#config = config
    this.#logger = logger
  }

  run(): void {
    startClusterHub({ logger: this.#logger })
    cluster.on('listening', (worker, address) => this.#onListening(worker, address.port))
    cluster.on('exit', (worker, code, signal) => this.#onExit(worker, code, signal))
    for (const signal of ['SIGTERM', 'SIGINT'] as const)
      process.on(signal, () => this.#stop(signal))
    for (let i = 0; i < this.#count; i++) this.#fork()
  }

  #fork(): void {
    const worker = cluster.fork()
    this.#alive.set(worker.id, worker)
  }

  #onListening(worker: Worker, port: number): void {
    this.#listening.add(worker.id)
    if (this.#announced) {
      this.#logger.info(`lobby: worker ${worker.id} is serving again`)
      return
    }
    if (this.#listening.size < this.#count) return
    this.#announced = true
    const { host } = this.#config
    this.#logger.info(
      `lobby: ${this.#count} workers on http://${host}:${port}/?name=Alice (primary ${process.pid})`,
    )
  }

  #onExit(worker: Worker, code: number | null, signal: string | null): void {
    this.#listening.delete(worker.id)
    this.#alive.delete(worker.id)
    if (this.#stoppingSince !== undefined) {
      // Only the shutdown counts: a crash the primary recovered from is not a failed stop.
      this.#worst = Math.max(this.#worst, code ?? 1)
      if (this.#alive.size === 0) this.#finish()
      return
    }
    const how = signal ?? `code ${String(code)}`
    if (code === CONFIG_EXIT) {
      // Every replacement would refuse the same configuration: report it like a lone node.
      this.#logger.error(`lobby: worker ${worker.id} refused the configuration; stopping`)
      this.#worst = CONFIG_EXIT
      this.#stop('SIGTERM')
      return
    }
    if (!this.#policy.allow(performance.now())) {
      this.#logger.error(`lobby: worker ${worker.id} exited (${how}); workers keep dying, stopping`)
      this.#worst = Math.max(this.#worst, 1)
      this.#stop('SIGTERM')
      return
    }
    this.#logger.warn(`lobby: worker ${worker.id} exited (${how}); starting a replacement`)
    this.#fork()
  }

  #stop(signal: NodeJS.Signals): void {
    const now = performance.now()
    if (this.#stoppingSince !== undefined && now - this.#stoppingSince < DUPLICATE_SIGNAL_MS) return
    const again = this.#stoppingSince !== undefined
    this.#stoppingSince ??= now
    const workers = [...this.#alive.values()]
    this.#logger.info(
      again
        ? `lobby: ${signal} again: workers exit without finishing the drain`
        : `lobby: ${signal}: draining ${workers.length} workers`,
    )
    // A terminal's Ctrl-C already reached every worker; they ignore this duplicate.
    for (const worker of workers) worker.process.kill(signal)
    if (workers.length === 0) this.#finish()
  }

  #finish(): void {
    this.#logger.info('lobby: every worker stopped')
    process.exitCode = this.#worst
  }
}

/** Runs this process as the lobby's cluster primary with `count` workers. */
export function runPrimary(count: number, config: LobbyConfig, logger: Logger): void {
  new Primary(count, config, logger).run()
}
