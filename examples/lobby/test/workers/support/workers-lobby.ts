// `WORKERS=N npm start` as a real process tree for the tests: the primary from source
// (main.ts through tsx, as `npm start` runs it built), its workers forked by node:cluster.
// Reads the primary's merged output (workers inherit its stdout) to learn the port, each
// worker's pid, and which worker took which WebSocket (LOG_LEVEL=debug lines).
import { spawn, type ChildProcess } from 'node:child_process'
import { once } from 'node:events'
import { fileURLToPath } from 'node:url'
import { waitFor } from '@plume/testkit'

const MAIN = fileURLToPath(new URL('../../../src/main.ts', import.meta.url))
const ROOT = fileURLToPath(new URL('../../../../../', import.meta.url))
const FIXED = { HOST: '127.0.0.1', PORT: '0', LOG_LEVEL: 'debug', PERMDOWN_ON_SHUTDOWN: 'true' }
const READY = /lobby: (\d+) workers on http:\/\/127\.0\.0\.1:(\d+)\//
const WORKER = /lobby node (\S+-w(\d+)) on http:\/\/\S+ .*?pid=(\d+)/g
const UPGRADE = /lobby worker (\S+-w\d+): websocket \S*user_id=([^&\s]+)/g

const alive = new Set<ChildProcess>()
process.once('exit', () => {
  for (const child of alive) child.kill('SIGKILL') // the primary's workers exit with it
})

/** A running multi-worker lobby. */
export class WorkersLobby {
  output = ''
  port = 0
  readonly exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>
  readonly #child: ChildProcess

  private constructor(env: Record<string, string>) {
    this.#child = spawn(process.execPath, ['--conditions=source', '--import', 'tsx', MAIN], {
      cwd: ROOT,
      env: { ...process.env, ...FIXED, NODE_NAME: 'lobby', ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    })
    const child = this.#child
    alive.add(child)
    child.stdout?.setEncoding('utf8').on('data', (s: string) => (this.output += s))
    child.stderr?.setEncoding('utf8').on('data', (s: string) => (this.output += s))
    this.exited = once(child, 'exit').then(([code, signal]) => {
      alive.delete(child)
      return { code: code as number | null, signal: signal as NodeJS.Signals | null }
    })
  }

  /** Spawns `WORKERS=workers` without waiting (for runs expected to fail). */
  static spawn(workers: string, env: Record<string, string> = {}): WorkersLobby {
    return new WorkersLobby({ ...env, WORKERS: workers })
  }

  /** Starts `WORKERS=workers` and resolves once the primary reports every worker listening. */
  static async start(workers: number, env: Record<string, string> = {}): Promise<WorkersLobby> {
    const lobby = new WorkersLobby({ ...env, WORKERS: String(workers) })
    await lobby.waitForOutput(READY, 'the primary to report its workers listening', 60_000)
    lobby.port = Number(READY.exec(lobby.output)?.[2])
    return lobby
  }

  get url(): string {
    return `http://127.0.0.1:${this.port}`
  }

  /** Live and past workers by node name: their pids, in start order. */
  workers(): Array<{ node: string; id: number; pid: number }> {
    return [...this.output.matchAll(WORKER)].map((m) => ({
      node: m[1] ?? '',
      id: Number(m[2]),
      pid: Number(m[3]),
    }))
  }

  /** Node names of the workers that took a WebSocket for `user`, in order. */
  upgradesOf(user: string): string[] {
    return [...this.output.matchAll(UPGRADE)].filter((m) => m[2] === user).map((m) => m[1] ?? '')
  }

  /** How many times `pattern` occurs in the output so far. */
  count(pattern: RegExp): number {
    return this.output.split('\n').filter((line) => pattern.test(line)).length
  }

  /** Waits until the output matches `pattern`. */
  async waitForOutput(pattern: RegExp, label: string, timeoutMs = 20_000): Promise<void> {
    let exit: unknown
    void this.exited.then((e) => (exit = e))
    await waitFor(label, () => exit !== undefined || new RegExp(pattern.source).test(this.output), {
      timeoutMs,
      describe: () => this.output.slice(-2000),
    })
    if (exit !== undefined && !new RegExp(pattern.source).test(this.output)) {
      throw new Error(`lobby exited (${JSON.stringify(exit)}) before ${label}:\n${this.output}`)
    }
  }

  /** Sends `signal` to the primary and resolves with its exit. */
  async stop(signal: NodeJS.Signals = 'SIGTERM') {
    if (this.#child.exitCode === null && this.#child.signalCode === null) this.#child.kill(signal)
    return this.exited
  }
}
