// Private redis-server / nats-server processes on free loopback ports, one per test file or
// cluster, so tests may kill and restart them without touching a machine's shared broker.
// Binaries come from PATH (plus the sbin folders, where distributions put nats-server).
import { spawn } from 'node:child_process'
import type { ChildProcess } from 'node:child_process'
import { once } from 'node:events'
import { createConnection } from 'node:net'
import { setTimeout as delay } from 'node:timers/promises'
import { TestkitError } from './errors.js'
import { freePort } from './net.js'

/** Which broker to run. */
export type BrokerKind = 'redis' | 'nats'

/** Options of {@link startBroker}. */
export interface BrokerOptions {
  /** Reuse a port; a free one otherwise. */
  readonly port?: number
  /** Redis only: sets `--requirepass` and puts the password into {@link Broker.url}. */
  readonly password?: string
  /** Extra command-line arguments, e.g. nats-server's `--cluster` and `--routes`. */
  readonly args?: readonly string[]
}

const READY_POLL_MS = 25
const READY_ATTEMPTS = 200 // 5 s

// A crashed test run must not leave brokers behind.
const running = new Set<ChildProcess>()
process.once('exit', () => {
  for (const child of running) child.kill('SIGKILL')
})

function command(kind: BrokerKind, port: number, password?: string): [string, string[]] {
  if (kind === 'nats') return ['nats-server', ['-a', '127.0.0.1', '-p', String(port)]]
  const args = ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no']
  if (password !== undefined) args.push('--requirepass', password)
  return ['redis-server', args]
}

// Redis answers PING (+PONG, or -NOAUTH with a password): any reply means it takes
// commands. NATS greets every client with an INFO line.
async function answers(kind: BrokerKind, port: number): Promise<boolean> {
  const socket = createConnection({ port, host: '127.0.0.1' })
  try {
    await once(socket, 'connect')
    if (kind === 'redis') socket.write('PING\r\n')
    const [chunk] = (await once(socket, 'data')) as [Buffer]
    return kind === 'redis' ? chunk.length > 0 : chunk.toString('latin1').startsWith('INFO ')
  } catch {
    return false
  } finally {
    socket.destroy()
  }
}

/** One broker child process that a test controls. */
export class Broker {
  readonly kind: BrokerKind
  readonly port: number
  readonly #password: string | undefined
  readonly #args: readonly string[]
  #child: ChildProcess | undefined

  private constructor(kind: BrokerKind, port: number, options: BrokerOptions) {
    this.kind = kind
    this.port = port
    this.#password = options.password
    this.#args = options.args ?? []
  }

  /** Spawns a broker of `kind` and resolves once it accepts clients. */
  static async start(kind: BrokerKind, options: BrokerOptions = {}): Promise<Broker> {
    if (kind !== 'redis' && options.password !== undefined) {
      throw new TestkitError('INVALID_STATE', `a password is supported for redis only`)
    }
    const broker = new Broker(kind, options.port ?? (await freePort()), options)
    await broker.restart()
    return broker
  }

  /** `redis://` or `nats://` URL of this broker (with the redis password, if any). */
  get url(): string {
    const auth = this.#password === undefined ? '' : `:${encodeURIComponent(this.#password)}@`
    return `${this.kind}://${auth}127.0.0.1:${this.port}`
  }

  /** Redis only: {@link Broker.url} selecting database `db`. */
  dbUrl(db: number): string {
    return `${this.url}/${db}`
  }

  /** True while the process runs. */
  get running(): boolean {
    return this.#child !== undefined
  }

  /** (Re)spawns on the same port and waits until it accepts clients; after {@link Broker.kill}. */
  async restart(): Promise<void> {
    if (this.#child !== undefined)
      throw new TestkitError('INVALID_STATE', `${this.kind} already running`)
    const [bin, base] = command(this.kind, this.port, this.#password)
    const args = [...base, ...this.#args]
    const env = { ...process.env, PATH: `${process.env['PATH'] ?? ''}:/usr/sbin:/usr/local/sbin` }
    const child = spawn(bin, args, { stdio: 'ignore', env })
    let spawnError: Error | undefined
    child.once('error', (error) => (spawnError = error))
    this.#child = child
    running.add(child)
    child.once('exit', () => {
      running.delete(child)
      if (this.#child === child) this.#child = undefined
    })
    for (let attempt = 0; attempt < READY_ATTEMPTS; attempt++) {
      if (spawnError !== undefined || child.exitCode !== null || this.#child !== child) {
        const why = spawnError?.message ?? `exit code ${String(child.exitCode)}`
        throw new TestkitError('BROKER_START', `${bin} did not start (${why}); is it on PATH?`)
      }
      if (await answers(this.kind, this.port)) return
      await delay(READY_POLL_MS)
    }
    await this.kill()
    throw new TestkitError('BROKER_START', `${bin} on port ${this.port} not ready after 5 s`)
  }

  /** SIGKILLs the broker (a crash, as far as clients can tell) and awaits its exit. */
  async kill(): Promise<void> {
    const child = this.#child
    this.#child = undefined
    if (child === undefined || child.exitCode !== null || child.signalCode !== null) return
    const exited = once(child, 'exit')
    child.kill('SIGKILL')
    await exited
  }

  /** Same as {@link Broker.kill}; the name used in teardown. */
  async stop(): Promise<void> {
    await this.kill()
  }
}

/** Starts a private broker of `kind` on a free loopback port (see {@link Broker.start}). */
export function startBroker(kind: BrokerKind, options: BrokerOptions = {}): Promise<Broker> {
  return Broker.start(kind, options)
}
