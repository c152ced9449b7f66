// System benchmark: a join storm. N raw-protocol clients (spread over load processes) join
// room:lobby on one lobby process as fast as they can, each applying presence_state and
// presence_diff; measured until every client holds every key: time, frames and bytes the
// clients received, and the lobby's RSS. Plume's defaults run next to the Phoenix-equivalent
// configuration. `npm run bench -- storm --clients 2000 [--limit 120] [--count-only]`;
// --count-only makes the room count-only (LOBBY_COUNT_ONLY): clients converge when the count
// they were sent reaches N.
import { fmtBytes, type Benchmark, type Row } from '../harness.js'
import { flag, LoadProc, PHOENIX_ENV, ranges, startLobby } from './procs.js'

const LOAD_PROCS = 4
const CONCURRENCY = 100

interface StormResult {
  readonly ms: number | undefined
  readonly frames: number
  readonly bytes: number
  readonly rss: number
  readonly serverCpuMs: number
  readonly loadCpuMs: number
  readonly minView: number
  readonly problems: Record<string, number>
}

function deadline(ms: number): Promise<undefined> {
  return new Promise((r) => setTimeout(() => r(undefined), ms).unref())
}

async function storm(
  n: number,
  env: Record<string, string>,
  limitMs: number,
): Promise<StormResult> {
  const lobby = await startLobby(env)
  const loads = ranges(n, LOAD_PROCS).map((range) => ({ range, proc: new LoadProc() }))
  const converged = Promise.all(loads.map(({ proc }) => proc.next('converged')))
  const cpuAtStart = lobby.cpuMs()
  const t0 = Date.now()
  for (const { range, proc } of loads) {
    proc.send({ t: 'open', port: lobby.port, ...range, maxKeys: n, concurrency: CONCURRENCY })
    proc.send({ t: 'expect', keys: n })
  }
  const done = await Promise.race([converged, deadline(limitMs)])
  const ms = done && Math.max(...done.map((c) => c.at)) - t0
  const rss = lobby.rss()
  const serverCpuMs = lobby.cpuMs() - cpuAtStart
  const stats = await Promise.all(loads.map(({ proc }) => proc.ask({ t: 'stats' }, 'stats')))
  for (const { proc } of loads) proc.close()
  await lobby.stop('SIGKILL')
  const sum = (f: (s: (typeof stats)[number]) => number): number =>
    stats.reduce((a, s) => a + f(s), 0)
  return {
    ms,
    frames: sum((s) => s.frames),
    bytes: sum((s) => s.bytes),
    rss,
    serverCpuMs,
    loadCpuMs: sum((s) => s.cpuMs),
    minView: Math.min(...stats.map((s) => s.minView)),
    problems: mergeCounts(stats.map((s) => s.problems)),
  }
}

function mergeCounts(all: ReadonlyArray<Record<string, number>>): Record<string, number> {
  const out: Record<string, number> = {}
  for (const counts of all)
    for (const [kind, n] of Object.entries(counts)) out[kind] = (out[kind] ?? 0) + n
  return out
}

function describe(problems: Record<string, number>): string {
  const parts = Object.entries(problems).map(([kind, n]) => `${n} ${kind}`)
  return parts.length === 0 ? '' : `; clients: ${parts.join(', ')}`
}

function row(label: string, n: number, r: StormResult, limitMs: number): Row {
  const time = r.ms === undefined ? `> ${limitMs / 1000} s` : `${(r.ms / 1000).toFixed(2)} s`
  const partial = r.ms === undefined ? `, not converged (fewest keys seen ${r.minView}/${n})` : ''
  return {
    bench: 'storm',
    case: `${label}: ${n} join room:lobby`,
    median: time,
    p95: '',
    note: `${r.frames.toLocaleString('en')} frames, ${fmtBytes(r.bytes)} received, server RSS ${fmtBytes(r.rss)}, CPU s server ${(r.serverCpuMs / 1000).toFixed(1)} / load ${(r.loadCpuMs / 1000).toFixed(1)}${partial}${describe(r.problems)}`,
  }
}

export const systemStorm: Benchmark = {
  name: 'storm',
  title: 'join storm into one room over real sockets',
  async run() {
    const n = flag('clients', 2000)
    const limitMs = flag('limit', 120) * 1000
    const countOnly = process.argv.includes('--count-only')
    const env = countOnly ? { LOBBY_COUNT_ONLY: 'true' } : {}
    const label = countOnly ? 'plume, count-only room' : 'plume defaults'
    const plume = await storm(n, env, limitMs)
    // STORM_ONLY=plume skips the baseline (to profile one side); the ratio needs both.
    if (process.env['STORM_ONLY'] === 'plume') return [row(label, n, plume, limitMs)]
    const phoenix = await storm(n, PHOENIX_ENV, limitMs)
    const ratio = (a: number | undefined, b: number | undefined): string =>
      a === undefined || b === undefined ? 'n/a' : `${(b / a).toFixed(1)}x`
    return [
      row(label, n, plume, limitMs),
      row('phoenix-equivalent', n, phoenix, limitMs),
      {
        bench: 'storm',
        case: `baseline ratio (phoenix-equivalent / plume), ${n}`,
        median: `time ${ratio(plume.ms ?? undefined, phoenix.ms ?? limitMs)}`,
        p95: '',
        note: `frames ${ratio(plume.frames, phoenix.frames)}, bytes ${ratio(plume.bytes, phoenix.bytes)}${phoenix.ms === undefined ? ' (baseline time is a lower bound)' : ''}`,
      },
    ]
  },
}
