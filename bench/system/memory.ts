// System benchmark: RSS per idle tracked connection. --clients (default 20,000) raw-protocol
// clients, spread over load processes, join room:lobby on one lobby process and stay idle
// (heartbeating every 30 s); the lobby's settled RSS minus its RSS before any connection,
// divided by the count. `npm run bench -- memory [--clients 20000]`.
import { fmtBytes, type Benchmark, type Row } from '../harness.js'
import { flag, LoadProc, PHOENIX_ENV, ranges, sleep, startLobby, type Lobby } from './procs.js'

const LOAD_PROCS = 4
const SETTLE_STEP_MS = 2000

/** RSS once two readings in a row differ by under 1% (at most 15 steps). */
async function settledRss(lobby: Lobby): Promise<number> {
  let last = lobby.rss()
  for (let step = 0; step < 15; step++) {
    await sleep(SETTLE_STEP_MS)
    const now = lobby.rss()
    if (Math.abs(now - last) < last / 100) return now
    last = now
  }
  return last
}

async function perConnection(
  n: number,
  env: Record<string, string>,
): Promise<{ base: number; settled: number }> {
  const lobby = await startLobby(env)
  const base = await settledRss(lobby)
  const loads = ranges(n, LOAD_PROCS).map((range) => ({ range, proc: new LoadProc() }))
  await Promise.all(
    loads.map(({ range, proc }) =>
      proc.ask({ t: 'open', port: lobby.port, ...range, maxKeys: 1, concurrency: 100 }, 'opened'),
    ),
  )
  const settled = await settledRss(lobby)
  for (const { proc } of loads) proc.close()
  await lobby.stop('SIGKILL')
  return { base, settled }
}

export const systemMemory: Benchmark = {
  name: 'memory',
  title: 'lobby RSS per idle tracked connection',
  async run() {
    const n = flag('clients', 20_000)
    const rows: Row[] = []
    for (const [label, env] of [
      ['plume defaults', {}],
      ['phoenix-equivalent', PHOENIX_ENV],
    ] as const) {
      const { base, settled } = await perConnection(n, env)
      rows.push({
        bench: 'memory',
        case: `${label}: ${n} idle tracked connections`,
        median: `${fmtBytes((settled - base) / n)} / conn`,
        p95: '',
        note: `RSS ${fmtBytes(base)} before, ${fmtBytes(settled)} settled`,
      })
    }
    return rows
  },
}
