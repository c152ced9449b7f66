// One HTTP request relayed to another worker's loopback port, streaming both ways: a held
// long-poll GET stays held, and a client that goes away aborts the relayed request too.

import {
  request,
  type Agent,
  type IncomingMessage,
  type Server,
  type ServerResponse,
} from 'node:http'
import type { Logger } from '@plume/pubsub'

/** Where and how to forward. */
export interface ForwardTarget {
  readonly port: number
  readonly agent: Agent
  readonly logger: Logger
}

/** Relays `req` to 127.0.0.1:`port` and its answer back to `res`; 502 if that worker is gone. */
export function forward(req: IncomingMessage, res: ServerResponse, target: ForwardTarget): void {
  const out = request({
    host: '127.0.0.1',
    port: target.port,
    method: req.method,
    path: req.url,
    headers: req.headers,
    agent: target.agent,
  })
  out.on('response', (answer) => {
    res.writeHead(answer.statusCode ?? 502, answer.headers)
    answer.pipe(res)
  })
  out.on('error', (error) => {
    target.logger.warn('plume sticky: forwarding a long-poll request failed', {
      port: target.port,
      error: error.message,
    })
    if (!res.headersSent) res.writeHead(502, { 'content-type': 'text/plain' }).end('bad gateway')
    else res.destroy()
  })
  res.on('close', () => {
    if (!res.writableFinished) out.destroy()
  })
  req.pipe(out)
}

/** Listens on a free loopback port of this process alone (not shared through the primary). */
export function listenLoopback(server: Server): Promise<number> {
  return new Promise((resolve, reject) => {
    server.once('error', reject)
    // exclusive: in a cluster worker, a plain listen(0) would share one port among workers.
    server.listen({ port: 0, host: '127.0.0.1', exclusive: true }, () => {
      server.off('error', reject)
      const address = server.address()
      resolve(typeof address === 'object' && address !== null ? address.port : 0)
    })
  })
}
