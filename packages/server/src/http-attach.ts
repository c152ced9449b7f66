// Plugs the endpoint into a Node http.Server next to whatever else serves it (Express,
// Fastify, a bare handler): WebSocket paths are taken from the 'upgrade' event, long-poll
// paths by wrapping the 'request' listeners present at attach time; every other request
// falls through to those listeners untouched.

import type { IncomingMessage, Server, ServerResponse } from 'node:http'
import type { Duplex } from 'node:stream'
import type { Logger } from './types.js'

/** Routes a request by path; returns false when the path is not ours. */
export interface Mounts {
  upgrade(req: IncomingMessage, socket: Duplex, head: Buffer, url: URL): boolean
  request(req: IncomingMessage, res: ServerResponse, url: URL): boolean
}

type RequestListener = (req: IncomingMessage, res: ServerResponse) => void

/** The request's URL; undefined when even its target alone cannot be parsed (e.g. `//`). */
export function requestUrl(req: IncomingMessage): URL | undefined {
  try {
    return new URL(req.url ?? '/', `http://${req.headers.host ?? 'localhost'}`)
  } catch {
    try {
      return new URL(req.url ?? '/', 'http://localhost')
    } catch {
      return undefined
    }
  }
}

/** Installs the listeners; returns a function that restores the server as it was. */
export function attachToServer(server: Server, mounts: Mounts, logger: Logger): () => void {
  const onUpgrade = (req: IncomingMessage, socket: Duplex, head: Buffer): void => {
    let handled = false
    const url = requestUrl(req)
    try {
      handled = url !== undefined && mounts.upgrade(req, socket, head, url)
    } catch (error) {
      logger.error('plume: upgrade handling failed', { error })
      socket.destroy()
      return
    }
    // Alone on the server, nobody else will answer this upgrade: refuse it.
    if (!handled && server.listenerCount('upgrade') === 1) {
      socket.end('HTTP/1.1 404 Not Found\r\nConnection: close\r\nContent-Length: 0\r\n\r\n')
    }
  }
  const userListeners = server.listeners('request') as RequestListener[]
  server.removeAllListeners('request')
  const onRequest = (req: IncomingMessage, res: ServerResponse): void => {
    // Never throw from here: an exception in a 'request' listener kills the process.
    const url = requestUrl(req)
    if (url !== undefined && mounts.request(req, res, url)) return
    for (const listener of userListeners) listener.call(server, req, res)
    if (userListeners.length === 0 && server.listenerCount('request') === 1) {
      res.writeHead(404, { 'content-type': 'text/plain' })
      res.end('Not Found')
    }
  }
  server.on('upgrade', onUpgrade)
  server.on('request', onRequest)
  return () => {
    server.off('upgrade', onUpgrade)
    server.off('request', onRequest)
    for (const listener of userListeners) server.on('request', listener)
  }
}
