// Process helpers of the system benchmarks: lobby nodes (`examples/lobby` built, one process
// each, configured by environment like `npm start`; `npm run bench` builds first) and load processes holding the
// raw-protocol clients. Every child dies with the benchmark.
import { fork, spawn, type ChildProcess } from 'node:child_process'
import { once } from 'node:events'
import { readFileSync } from 'node:fs'
import { resolve, dirname } from 'node:path'
import { fileURLToPath } from 'node:url'
import type { FromLoad, ToLoad } from './load-protocol.js'

const here = dirname(fileURLToPath(import.meta.url))
const root = resolve(here, '../..')
const children = new Set<ChildProcess>()
process.once('exit', () => {
  for (const c of children) c.kill('SIGKILL')
})

function track(child: ChildProcess): ChildProcess {
  children.add(child)
  child.once('exit', () => children.delete(child))
  return child
}

/** The Phoenix-equivalent lobby: one diff per change, tick-only replication, 30 s down. */
export const PHOENIX_ENV = { PRESENCE_COALESCE: 'false', TRACKER_PRESET: 'phoenix' } as const

/** One lobby node process. */
export interface Lobby {
  readonly child: ChildProcess
  readonly port: number
  /** Resident set size now, in bytes. */
  rss(): number
  /** CPU time used so far (user + system), in ms. */
  cpuMs(): number
  /** Sends `signal` and waits for the exit. */
  stop(signal?: NodeJS.Signals): Promise<void>
}

// Fields 14 and 15 of /proc/<pid>/stat (utime, stime) in clock ticks; Linux uses 100 per second.
function cpuMsOf(pid: number): number {
  const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]?.split(' ') ?? []
  return (Number(fields[11]) + Number(fields[12])) * 10
}

function rssOf(pid: number): number {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8')
  return Number(/VmRSS:\s+(\d+)/.exec(status)?.[1] ?? Number.NaN) * 1024
}

// BENCH_CPU_PROF=<dir> profiles every lobby node (node --cpu-prof) into <dir>.
const profileDir = process.env['BENCH_CPU_PROF']

function profileArgs(): string[] {
  return profileDir === undefined ? [] : ['--cpu-prof', `--cpu-prof-dir=${profileDir}`]
}

/** Starts a lobby with `env` (plus PORT=0) and resolves once it listens. */
export async function startLobby(
  env: Record<string, string>,
  nodeArgs: string[] = [],
): Promise<Lobby> {
  // The compiled lobby, as `npm start` runs it: from source through tsx, every closure also
  // pays for esbuild's keepNames (a defineProperty each), ~4 KiB per idle connection.
  const args = [...profileArgs(), ...nodeArgs]
  const child = track(
    spawn(process.execPath, [...args, resolve(root, 'examples/lobby/dist/main.js')], {
      env: { ...process.env, PORT: '0', LOG_LEVEL: 'info', ...env },
      stdio: ['ignore', 'pipe', 'inherit'],
    }),
  )
  const port = await new Promise<number>((done, fail) => {
    let out = ''
    child.stdout?.on('data', (chunk: Buffer) => {
      out += chunk.toString()
      const m = /on http:\/\/[^:]+:(\d+)\//.exec(out)
      if (m) done(Number(m[1]))
    })
    child.once('exit', (code) => fail(new Error(`lobby exited (${code}) before listening`)))
  })
  return {
    child,
    port,
    rss: () => rssOf(child.pid ?? 0),
    cpuMs: () => cpuMsOf(child.pid ?? 0),
    async stop(signal = 'SIGTERM') {
      // A profile is written only on a clean exit.
      if (profileDir !== undefined) signal = 'SIGTERM'
      if (child.exitCode !== null || child.signalCode !== null) return
      const exited = once(child, 'exit')
      child.kill(signal)
      await exited
    },
  }
}

/** One load process holding raw-protocol clients. */
export class LoadProc {
  readonly #child = track(
    fork(resolve(here, 'load-client.ts'), [], { stdio: ['ignore', 'inherit', 'inherit', 'ipc'] }),
  )

  /** Sends `msg` and resolves with the next reply of type `t`. */
  ask<T extends FromLoad['t']>(msg: ToLoad, t: T): Promise<Extract<FromLoad, { t: T }>> {
    const reply = this.next(t)
    this.#child.send(msg)
    return reply
  }

  /** The next reply of type `t` (rejects on a failure report or an exit). */
  next<T extends FromLoad['t']>(t: T): Promise<Extract<FromLoad, { t: T }>> {
    return new Promise((done, fail) => {
      const onMessage = (m: FromLoad): void => {
        if (m.t === 'failed') fail(new Error(m.error))
        else if (m.t === t) done(m as Extract<FromLoad, { t: T }>)
        else return
        this.#child.off('message', onMessage)
      }
      this.#child.on('message', onMessage)
    })
  }

  send(msg: ToLoad): void {
    this.#child.send(msg)
  }

  close(): void {
    if (this.#child.connected) this.#child.send({ t: 'close' })
  }
}

/** Splits `[0, n)` into `parts` contiguous ranges. */
export function ranges(n: number, parts: number): Array<{ from: number; count: number }> {
  const size = Math.ceil(n / parts)
  return Array.from({ length: parts }, (_, i) => ({
    from: i * size,
    count: Math.max(0, Math.min(size, n - i * size)),
  })).filter((r) => r.count > 0)
}

/** Reads `--name value` from the command line. */
export function flag(name: string, fallback: number): number {
  const at = process.argv.indexOf(`--${name}`)
  const value = at >= 0 ? Number(process.argv[at + 1]) : fallback
  if (!Number.isSafeInteger(value) || value < 1)
    throw new Error(`--${name} must be a positive integer`)
  return value
}

export const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms))
