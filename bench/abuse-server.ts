// Child process of the abuse benchmark: one lobby node (examples/lobby) with Plume's default
// limits, or with every limit off (ABUSE_LIMITS=off, the Phoenix-equivalent baseline).
// Reports its port, then samples its RSS and counts abuse closes until told to stop.
import { dirname, resolve } from 'node:path'
import { monitorEventLoopDelay } from 'node:perf_hooks'
import { fileURLToPath } from 'node:url'
import { PubSub, silentLogger } from '@plume/pubsub'
import { NO_LIMITS, type Logger } from '@plume/server'
import { createLobby } from '../examples/lobby/src/lobby.js'
import type { FromServer } from './abuse-protocol.js'

const closes: Record<string, number> = {}
const logger: Logger = {
  ...silentLogger,
  warn(msg) {
    if (msg.endsWith('closing')) closes[msg] = (closes[msg] ?? 0) + 1
  },
}
const lobby = createLobby({
  pubsub: new PubSub({ logger }),
  publicDir: resolve(dirname(fileURLToPath(import.meta.url)), '../examples/lobby/src/public'),
  logger,
  ...(process.env['ABUSE_LIMITS'] === 'off' && { limits: NO_LIMITS }),
})
const port = await lobby.listen(0)
const rssStart = process.memoryUsage.rss()
// The good client's tail can come from this loop or from the 2 cores the load shares: the
// server's own event-loop delay tells which.
const loopDelay = monitorEventLoopDelay({ resolution: 5 })
loopDelay.enable()
let rssMax = rssStart
const sampler = setInterval(() => (rssMax = Math.max(rssMax, process.memoryUsage.rss())), 100)
const send = (m: FromServer): void => void process.send?.(m)
send({ t: 'listening', port })
process.on('message', (m: { t: string }) => {
  if (m.t !== 'stop') return
  clearInterval(sampler)
  loopDelay.disable()
  const ms = (ns: number): number => Math.round(ns / 1e5) / 10
  const delay = { p99: ms(loopDelay.percentile(99)), max: ms(loopDelay.max) }
  send({ t: 'report', rssStart, rssMax, closes, delay })
  process.disconnect?.()
  process.exit(0)
})
