// Private redis-server / nats-server processes on free loopback ports for the cluster tests.
// Tests kill and restart them on the same port to simulate outages; the shared brokers on
// 6379 and 4222 are never touched. Binaries are found through PATH (plus /usr/sbin for nats).
import { spawn } from 'node:child_process'
import type { ChildProcess } from 'node:child_process'
import { once } from 'node:events'
import { createConnection, createServer } from 'node:net'
import { setTimeout as delay } from 'node:timers/promises'

/** Which broker a cluster runs on. */
export type BrokerKind = 'redis' | 'nats'

/** A broker process the test controls. */
export interface Broker {
  readonly kind: BrokerKind
  readonly port: number
  /** The `PUBSUB_URL` lobby nodes use. */
  readonly url: string
  /** SIGKILLs the broker (an outage, as far as clients can tell) and awaits its exit. */
  kill(): Promise<void>
  /** Starts it again on the same port and waits until it accepts clients. */
  restart(): Promise<void>
}

/** A port the OS just handed out (bind to 0, read, close). */
export async function freePort(): Promise<number> {
  const server = createServer()
  server.listen(0, '127.0.0.1')
  await once(server, 'listening')
  const address = server.address()
  server.close()
  await once(server, 'close')
  if (address === null || typeof address === 'string') throw new Error('no port from the OS')
  return address.port
}

// A crashed test run must not leave brokers behind.
const running = new Set<ChildProcess>()
process.once('exit', () => {
  for (const child of running) child.kill('SIGKILL')
})

const COMMANDS: Record<BrokerKind, (port: number) => [string, string[]]> = {
  redis: (port) => [
    'redis-server',
    ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no'],
  ],
  nats: (port) => ['nats-server', ['-a', '127.0.0.1', '-p', String(port)]],
}

// Any first bytes mean the server accepts clients: redis answers PING, nats greets with INFO.
async function answers(kind: BrokerKind, port: number): Promise<boolean> {
  const socket = createConnection({ port, host: '127.0.0.1' })
  try {
    await once(socket, 'connect')
    if (kind === 'redis') socket.write('PING\r\n')
    const [chunk] = (await once(socket, 'data')) as [Buffer]
    return chunk.length > 0
  } catch {
    return false
  } finally {
    socket.destroy()
  }
}

class BrokerProcess implements Broker {
  readonly url: string
  #child: ChildProcess | undefined

  constructor(
    readonly kind: BrokerKind,
    readonly port: number,
  ) {
    this.url = `${kind}://127.0.0.1:${port}`
  }

  async restart(): Promise<void> {
    if (this.#child !== undefined) throw new Error(`${this.kind} broker already running`)
    const [command, args] = COMMANDS[this.kind](this.port)
    const env = { ...process.env, PATH: `${process.env['PATH'] ?? ''}:/usr/sbin:/usr/local/sbin` }
    const child = spawn(command, args, { stdio: 'ignore', env })
    let spawnError: Error | undefined
    child.once('error', (error) => (spawnError = error))
    this.#child = child
    running.add(child)
    child.once('exit', () => {
      running.delete(child)
      if (this.#child === child) this.#child = undefined
    })
    for (let attempt = 0; attempt < 200; attempt++) {
      if (spawnError !== undefined || child.exitCode !== null || this.#child !== child) {
        const why = spawnError?.message ?? `exit code ${String(child.exitCode)}`
        throw new Error(`${command} did not start (${why}); is it installed and on PATH?`)
      }
      if (await answers(this.kind, this.port)) return
      await delay(25)
    }
    throw new Error(`${command} on port ${this.port} not ready after 5 s`)
  }

  async kill(): Promise<void> {
    const child = this.#child
    this.#child = undefined
    if (child === undefined || child.exitCode !== null || child.signalCode !== null) return
    const exited = once(child, 'exit')
    child.kill('SIGKILL')
    await exited
  }
}

/** Starts a private broker of `kind` on a free port. */
export async function startBroker(kind: BrokerKind): Promise<Broker> {
  const broker = new BrokerProcess(kind, await freePort())
  await broker.restart()
  return broker
}
