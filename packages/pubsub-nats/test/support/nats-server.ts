// Starts a private nats-server on a free loopback port for one test file, so tests may
// kill and restart it without touching the machine's shared broker on 4222.
// Readiness is a bounded poll for the server's INFO line; stop() kills and awaits exit.
import { spawn } from 'node:child_process'
import type { ChildProcess } from 'node:child_process'
import { once } from 'node:events'
import { createConnection, createServer } from 'node:net'
import { setTimeout as delay } from 'node:timers/promises'

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

/** One nats-server child process. */
export class NatsServer {
  readonly port: number
  #child: ChildProcess | undefined

  private constructor(port: number) {
    this.port = port
  }

  /** Spawns the server (on `port`, or a free one) and resolves once it greets clients. */
  static async start(port?: number): Promise<NatsServer> {
    const server = new NatsServer(port ?? (await freePort()))
    await server.restart()
    return server
  }

  /** `nats://` URL of this server. */
  get url(): string {
    return `nats://127.0.0.1:${this.port}`
  }

  /** (Re)spawns on the same port; call after {@link NatsServer.kill}. */
  async restart(): Promise<void> {
    if (this.#child !== undefined) throw new Error('nats-server already running')
    const child = spawn('nats-server', ['-a', '127.0.0.1', '-p', String(this.port)], {
      stdio: 'ignore',
    })
    this.#child = child
    child.once('exit', () => {
      if (this.#child === child) this.#child = undefined
    })
    killOnExit.add(child)
    await waitForInfo(this.port, child)
  }

  /** SIGKILLs the server (a crash, as far as clients can tell) and awaits its exit. */
  async kill(): Promise<void> {
    const child = this.#child
    if (child === undefined) return
    this.#child = undefined
    killOnExit.delete(child)
    if (child.exitCode === null && child.signalCode === null) {
      const exited = once(child, 'exit')
      child.kill('SIGKILL')
      await exited
    }
  }

  /** Same as kill(); the name used in teardown. */
  async stop(): Promise<void> {
    await this.kill()
  }
}

// A crashed test run must not leave brokers behind.
const killOnExit = new Set<ChildProcess>()
process.once('exit', () => {
  for (const child of killOnExit) child.kill('SIGKILL')
})

async function waitForInfo(port: number, child: ChildProcess): Promise<void> {
  for (let attempt = 0; attempt < 100; attempt++) {
    if (child.exitCode !== null) throw new Error(`nats-server exited with ${child.exitCode}`)
    if (await greets(port)) return
    await delay(50)
  }
  throw new Error(`nats-server on port ${port} not ready after 5 s`)
}

async function greets(port: number): Promise<boolean> {
  const socket = createConnection({ port, host: '127.0.0.1' })
  try {
    await once(socket, 'connect')
    const [chunk] = (await once(socket, 'data')) as [Buffer]
    return chunk.toString('latin1').startsWith('INFO ')
  } catch {
    return false
  } finally {
    socket.destroy()
  }
}
