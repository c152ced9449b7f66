// Starts a private redis-server on a free loopback port for one test file, so tests may
// kill and restart it without touching the machine's shared broker on 6379.
// Readiness is a bounded PING poll; stop() kills the process and awaits its exit.
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

/** Options of {@link RedisServer.start}. */
export interface RedisServerOptions {
  /** Sets `--requirepass`. */
  password?: string
  /** Reuse a port (for restarts); a free one otherwise. */
  port?: number
}

/** One redis-server child process. */
export class RedisServer {
  readonly port: number
  readonly #password: string | undefined
  #child: ChildProcess | undefined

  private constructor(port: number, password: string | undefined) {
    this.port = port
    this.#password = password
  }

  /** Spawns the server and resolves once it answers PING. */
  static async start(options: RedisServerOptions = {}): Promise<RedisServer> {
    const server = new RedisServer(options.port ?? (await freePort()), options.password)
    await server.restart()
    return server
  }

  /** `redis://` URL of this server, with the password and a db number when given. */
  url(db?: number): string {
    const auth = this.#password === undefined ? '' : `:${encodeURIComponent(this.#password)}@`
    return `redis://${auth}127.0.0.1:${this.port}${db === undefined ? '' : `/${db}`}`
  }

  /** (Re)spawns on the same port; call after {@link RedisServer.kill}. */
  async restart(): Promise<void> {
    if (this.#child !== undefined) throw new Error('redis-server already running')
    const args = [
      '--port',
      String(this.port),
      '--bind',
      '127.0.0.1',
      '--save',
      '',
      '--appendonly',
      'no',
    ]
    if (this.#password !== undefined) args.push('--requirepass', this.#password)
    const child = spawn('redis-server', args, { stdio: 'ignore' })
    this.#child = child
    child.once('exit', () => {
      if (this.#child === child) this.#child = undefined
    })
    killOnExit.add(child)
    await waitForPong(this.port, child)
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

async function waitForPong(port: number, child: ChildProcess): Promise<void> {
  for (let attempt = 0; attempt < 100; attempt++) {
    if (child.exitCode !== null) throw new Error(`redis-server exited with ${child.exitCode}`)
    if (await pings(port)) return
    await delay(50)
  }
  throw new Error(`redis-server on port ${port} not ready after 5 s`)
}

// Any reply (+PONG or -NOAUTH) means the server is accepting commands.
async function pings(port: number): Promise<boolean> {
  const socket = createConnection({ port, host: '127.0.0.1' })
  try {
    await once(socket, 'connect')
    socket.write('PING\r\n')
    const [chunk] = (await once(socket, 'data')) as [Buffer]
    return chunk.length > 0
  } catch {
    return false
  } finally {
    socket.destroy()
  }
}
