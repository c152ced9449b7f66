// Child process of the abuse benchmark: one lobby node (examples/lobby) with Plume's default
// limits, or with every limit off (ABUSE_LIMITS=off, the Phoenix-equivalent baseline).
// Reports its port, then samples its RSS and counts abuse closes until told to stop.
import { dirname, resolve } from 'node:path'
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
let rssMax = rssStart
const sampler = setInterval(() => (rssMax = Math.max(rssMax, process.memoryUsage.rss())), 100)
const send = (m: FromServer): void => void process.send?.(m)
send({ t: 'listening', port })
process.on('message', (m: { t: string }) => {
  if (m.t !== 'stop') return
  clearInterval(sampler)
  send({ t: 'report', rssStart, rssMax, closes })
  process.disconnect?.()
  process.exit(0)
})
