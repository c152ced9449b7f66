// A load process of the system benchmarks: opens raw-protocol clients to a lobby on request,
// each joining room:lobby and applying presence, and reports (wall-clock ms, comparable across
// processes) the moment every one of its clients holds the expected number of keys.
import type { FromLoad, ToLoad } from './load-protocol.js'
import { heartbeatAll, lobbyUrl, WireClient } from './wire-client.js'

const clients: WireClient[] = []
let expected = Number.POSITIVE_INFINITY
let converged = 0
let cpuAtOpen = 0

function cpuMs(): number {
  const { user, system } = process.cpuUsage()
  return (user + system) / 1000
}

const reply = (msg: FromLoad): void => void process.send?.(msg)

function check(client: WireClient): void {
  if (client.count !== expected) return
  if (++converged === clients.length) reply({ t: 'converged', at: Date.now() })
}

async function open(msg: Extract<ToLoad, { t: 'open' }>): Promise<void> {
  // From the first client on: opening thousands can outlast the server's 60 s idle timeout.
  if (clients.length === 0) heartbeatAll(clients)
  cpuAtOpen = cpuMs()
  for (let done = 0; done < msg.count; done += msg.concurrency) {
    const batch = Array.from({ length: Math.min(msg.concurrency, msg.count - done) }, (_, i) => {
      const index = msg.from + done + i
      const topic =
        msg.roomSize === undefined ? 'room:lobby' : `room:g${Math.floor(index / msg.roomSize)}`
      return new WireClient(lobbyUrl(msg.port, index), topic, msg.maxKeys, (_i, _p, c) => check(c))
    })
    clients.push(...batch)
    await Promise.all(batch.map((c) => c.joined))
  }
  reply({ t: 'opened', at: Date.now() })
}

function expect(keys: number): void {
  expected = keys
  converged = clients.filter((c) => c.count === keys).length
  if (clients.length > 0 && converged === clients.length) reply({ t: 'converged', at: Date.now() })
}

function stats(): FromLoad {
  let frames = 0
  let bytes = 0
  for (const c of clients) {
    frames += c.frames
    bytes += c.bytes
  }
  return {
    t: 'stats',
    cpuMs: cpuMs() - cpuAtOpen,
    frames,
    bytes,
    minView: Math.min(...clients.map((c) => c.count)),
    problems: problems(),
  }
}

/** Why clients may not converge: refused joins and closed sockets, counted by kind. */
function problems(): Record<string, number> {
  const out: Record<string, number> = {}
  const add = (kind: string): void => void (out[kind] = (out[kind] ?? 0) + 1)
  for (const c of clients) {
    if (c.joinStatus !== undefined && c.joinStatus !== 'ok') add(`join ${c.joinStatus}`)
    if (c.closeCode !== undefined) add(`closed ${c.closeCode}`)
  }
  return out
}

process.on('message', (msg: ToLoad) => {
  if (msg.t === 'open') open(msg).catch((e: unknown) => reply({ t: 'failed', error: String(e) }))
  else if (msg.t === 'expect') expect(msg.keys)
  else if (msg.t === 'stats') reply(stats())
  else process.exit(0)
})
process.on('disconnect', () => process.exit(0))
