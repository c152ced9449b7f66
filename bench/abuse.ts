// Abuse benchmark (`npm run bench -- abuse`): the lobby in its own process, attacked for 15 s
// by separate load processes over real sockets: one flooder sending heartbeats without
// reading, 200 members of room:lobby that stop reading, 25 connections joining and leaving
// room:lobby in a loop, and a good client timing a heartbeat every 50 ms. Runs Plume with
// every limit off (the Phoenix-equivalent baseline) and with the default limits, same run.
import { fork, type ChildProcess } from 'node:child_process'
import { dirname, resolve } from 'node:path'
import { fileURLToPath } from 'node:url'
import type { Benchmark, Row } from './harness.js'
import type { FromServer, LoadReport, Role } from './abuse-protocol.js'

const HERE = dirname(fileURLToPath(import.meta.url))
const DURATION_MS = Number(process.env['ABUSE_DURATION_MS'] ?? 15_000)
const ROLES: readonly Role[] = ['stalled', 'flood', 'churn', 'good']
const EXEC_ARGV = ['--conditions=source', '--import', 'tsx']

function child(file: string, args: string[], env: NodeJS.ProcessEnv = {}): ChildProcess {
  // ABUSE_CPU_PROF=<dir> profiles the server process (node --cpu-prof) into <dir>.
  const dir = process.env['ABUSE_CPU_PROF']
  const prof =
    dir !== undefined && file === 'abuse-server.ts' ? ['--cpu-prof', `--cpu-prof-dir=${dir}`] : []
  return fork(resolve(HERE, file), args, {
    execArgv: [...EXEC_ARGV, ...prof],
    env: { ...process.env, ...env },
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  })
}

function next<T>(proc: ChildProcess, pred: (m: T) => boolean): Promise<T> {
  return new Promise((resolvePromise, reject) => {
    const onMessage = (m: T): void => {
      if (!pred(m)) return
      proc.off('message', onMessage)
      resolvePromise(m)
    }
    proc.on('message', onMessage)
    proc.once('exit', (code) => reject(new Error(`child exited (${code}) before answering`)))
  })
}

/** One run: returns the load reports and the server's. */
async function runOnce(limits: 'on' | 'off') {
  const server = child('abuse-server.ts', [], { ABUSE_LIMITS: limits })
  const { port } = (await next<FromServer>(server, (m) => m.t === 'listening')) as { port: number }
  const url = `ws://127.0.0.1:${port}/socket/websocket`
  const loads = ROLES.map((role) => child('abuse-load.ts', [role, url, String(DURATION_MS)]))
  await Promise.all(loads.map((l) => next<{ t: string }>(l, (m) => m.t === 'ready')))
  for (const l of loads) l.send({ t: 'go' })
  const reports = await Promise.all(loads.map((l) => next<LoadReport>(l, (m) => m.t === 'done')))
  server.send({ t: 'stop' })
  const srv = (await next<FromServer>(server, (m) => m.t === 'report')) as FromServer & {
    t: 'report'
  }
  return { byRole: new Map(reports.map((r) => [r.role, r])), server: srv }
}

function p99(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b)
  return sorted[Math.min(sorted.length - 1, Math.floor(sorted.length * 0.99))] ?? NaN
}

const MB = 1024 * 1024

function rows(label: string, run: Awaited<ReturnType<typeof runOnce>>): Row[] {
  const r = (role: Role): LoadReport => run.byRole.get(role) as LoadReport
  const { rssStart, rssMax, closes } = run.server
  const how = Object.entries(closes)
    .map(([msg, n]) => `${n}× ${msg.replace('plume: ', '')}`)
    .join(', ')
  const flood = r('flood')
  const cut = flood.cutOffMs < 0 ? 'never' : `${(flood.cutOffMs / 1000).toFixed(2)} s`
  const good = r('good')
  const row = (c: string, median: string, note: string): Row => ({
    bench: 'abuse',
    case: `${label}: ${c}`,
    median,
    p95: '',
    note,
  })
  return [
    row('flooder cut off after', cut, how === '' ? 'no abuse close' : how),
    row(
      'frames the flooder got in',
      flood.count.toLocaleString('en'),
      'written before the cut-off',
    ),
    row(
      'server RSS growth',
      `${((rssMax - rssStart) / MB).toFixed(0)} MB`,
      `${(rssStart / MB).toFixed(0)} → ${(rssMax / MB).toFixed(0)} MB peak`,
    ),
    row(
      'good heartbeat p99',
      `${p99(good.rtts).toFixed(1)} ms`,
      `${good.count} heartbeats; server loop delay p99 ${run.server.delay.p99} ms, max ${run.server.delay.max} ms`,
    ),
    row(
      'churn joins served',
      r('churn').count.toLocaleString('en'),
      `${r('churn').refused} refused by a limit`,
    ),
    row('stalled members still open', String(r('stalled').count), 'of 200 that stopped reading'),
  ]
}

export const abuse: Benchmark = {
  name: 'abuse',
  title: `lobby under abuse for ${DURATION_MS / 1000} s, limits off vs default`,
  async run() {
    // ABUSE_ONLY=on|off runs one side (e.g. to profile it); the table needs both.
    const only = process.env['ABUSE_ONLY']
    const off = only === 'on' ? [] : rows('limits off', await runOnce('off'))
    const on = only === 'off' ? [] : rows('default limits', await runOnce('on'))
    return [...off, ...on]
  },
}
