// One lobby node as a real child process (`node --conditions=source --import tsx main.ts`),
// configured through the same environment variables as `npm start`. Captures its output,
// reports its port from the start-up line, and is killed on test-process exit no matter what.
import { spawn } from 'node:child_process'
import type { ChildProcess } from 'node:child_process'
import { once } from 'node:events'
import { fileURLToPath } from 'node:url'
import { waitFor } from '@plume/testkit'

const MAIN = fileURLToPath(new URL('../../../src/main.ts', import.meta.url))
const ROOT = fileURLToPath(new URL('../../../../../', import.meta.url))
// Pinned so a developer's or CI's own environment cannot change what the tests observe.
const FIXED = { HOST: '127.0.0.1', PORT: '0', LOG_LEVEL: 'info', PERMDOWN_ON_SHUTDOWN: 'true' }
const READY = /lobby node (\S+) on http:\/\/127\.0\.0\.1:(\d+)\//

/** How a node process ended. */
export interface Exit {
  readonly code: number | null
  readonly signal: NodeJS.Signals | null
}

const alive = new Set<ChildProcess>()
process.once('exit', () => {
  for (const child of alive) child.kill('SIGKILL')
})

/** A running (or finished) lobby node process. */
export class LobbyNode {
  stdout = ''
  stderr = ''
  port = 0
  /** Resolves when the process has exited. */
  readonly exited: Promise<Exit>
  readonly #child: ChildProcess

  private constructor(
    readonly name: string,
    env: Record<string, string>,
  ) {
    this.#child = spawn(process.execPath, ['--conditions=source', '--import', 'tsx', MAIN], {
      cwd: ROOT,
      env: { ...process.env, ...FIXED, NODE_NAME: name, ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    })
    const child = this.#child
    alive.add(child)
    child.stdout?.setEncoding('utf8').on('data', (s: string) => (this.stdout += s))
    child.stderr?.setEncoding('utf8').on('data', (s: string) => (this.stderr += s))
    this.exited = once(child, 'exit').then(([code, signal]) => {
      alive.delete(child)
      return { code: code as number | null, signal: signal as NodeJS.Signals | null }
    })
  }

  /** Spawns a node without waiting for it (for nodes expected to fail). */
  static spawn(name: string, env: Record<string, string>): LobbyNode {
    return new LobbyNode(name, env)
  }

  /** Spawns a node and resolves once it listens; rejects with its output if it exits. */
  static async start(name: string, env: Record<string, string>): Promise<LobbyNode> {
    const node = new LobbyNode(name, env)
    let exit: Exit | undefined
    void node.exited.then((e) => (exit = e))
    try {
      await waitFor(
        `lobby node ${name} to listen`,
        () => exit !== undefined || READY.test(node.stdout),
        { timeoutMs: 20_000, describe: () => node.output() },
      )
    } catch (error) {
      // A node that never listened would otherwise outlive the suite and keep it from exiting.
      await node.stop('SIGKILL')
      throw error
    }
    if (exit !== undefined) {
      throw new Error(`lobby node ${name} exited with ${JSON.stringify(exit)}: ${node.output()}`)
    }
    node.port = Number(READY.exec(node.stdout)?.[2])
    return node
  }

  /** `ws://…/socket` of this node. */
  get socketUrl(): string {
    return `ws://127.0.0.1:${this.port}/socket`
  }

  /** True until the process exits. */
  get running(): boolean {
    return this.#child.exitCode === null && this.#child.signalCode === null
  }

  /** Sends `signal` and resolves with the exit. */
  async stop(signal: NodeJS.Signals = 'SIGKILL'): Promise<Exit> {
    if (this.running) this.#child.kill(signal)
    return this.exited
  }

  /** Both output streams, for failure messages. */
  output(): string {
    return `--- stdout of ${this.name}\n${this.stdout}--- stderr of ${this.name}\n${this.stderr}`
  }
}
