// System benchmark: RSS per idle tracked connection. --clients (default 20,000) raw-protocol
// clients, spread over load processes, join rooms of --room-size (default 100) on one lobby
// process, are tracked by the lobby's presence and stay idle (heartbeating every 30 s); the
// lobby's settled RSS minus its RSS before any connection, divided by the count. Rooms keep
// the join storm O(N x room) instead of O(N^2): what is measured is the cost of an idle
// member, not of delivering a 20,000-key list 20,000 times.
// `npm run bench -- memory [--clients 20000] [--room-size 100]`.
import { readFileSync } from 'node:fs'
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

/** The open-files limit a child inherits: the lobby needs one per connection, plus its own. */
function fileLimit(): number {
  const line = /Max open files\s+(\d+)/.exec(readFileSync('/proc/self/limits', 'utf8'))
  return line === null ? Infinity : Number(line[1])
}

async function perConnection(
  n: number,
  roomSize: number,
  env: Record<string, string>,
): Promise<{ base: number; settled: number }> {
  const lobby = await startLobby({ ...env, LOBBY_ROOMS: 'any' })
  const base = await settledRss(lobby)
  const loads = ranges(n, LOAD_PROCS).map((range) => ({ range, proc: new LoadProc() }))
  await Promise.all(
    loads.map(({ range, proc }) =>
      proc.ask(
        { t: 'open', port: lobby.port, ...range, maxKeys: 1, concurrency: 100, roomSize },
        'opened',
      ),
    ),
  )
  // Every client must be joined and tracked, or the figure is for the wrong thing.
  for (const { proc } of loads) {
    const { problems } = await proc.ask({ t: 'stats' }, 'stats')
    if (Object.keys(problems).length > 0)
      throw new Error(`clients failed: ${JSON.stringify(problems)}`)
  }
  const settled = await settledRss(lobby)
  for (const { proc } of loads) proc.close()
  await lobby.stop('SIGKILL')
  return { base, settled }
}

export const systemMemory: Benchmark = {
  name: 'memory',
  title: 'lobby RSS per idle tracked connection',
  async run() {
    const asked = flag('clients', 20_000)
    const roomSize = flag('room-size', 100)
    // A process here may not raise its open-files limit (20,000 on the machine of record).
    const n = Math.min(asked, fileLimit() - 200)
    if (n < asked) console.log(`memory: ${n} clients, not ${asked}: the open-files limit`)
    const rows: Row[] = []
    for (const [label, env] of [
      ['plume defaults', {}],
      ['phoenix-equivalent', PHOENIX_ENV],
    ] as const) {
      const { base, settled } = await perConnection(n, roomSize, env)
      rows.push({
        bench: 'memory',
        case: `${label}: ${n} idle tracked connections, rooms of ${roomSize}`,
        median: `${fmtBytes((settled - base) / n)} / conn`,
        p95: '',
        note: `RSS ${fmtBytes(base)} before, ${fmtBytes(settled)} settled`,
      })
    }
    return rows
  },
}
