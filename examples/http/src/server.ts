// A plain node:http server whose own routes (`/` and `/health`) share the port with a Plume
// endpoint: attach() takes the socket's paths (/socket/websocket, /socket/longpoll) and
// hands every other request to the server's handler untouched.
import { createServer } from 'node:http'
import type { AddressInfo } from 'node:net'
import { Endpoint } from '@plume/server'
import { roomChannel } from './room-channel.js'

/** The server and its endpoint; nothing listens until `listen`. */
export function createHttpExample() {
  const server = createServer((req, res) => {
    if (req.url === '/health') {
      res.writeHead(200, { 'content-type': 'application/json' }).end('{"status":"ok"}')
    } else if (req.url === '/') {
      res.writeHead(200, { 'content-type': 'text/plain' }).end('Hello from node:http\n')
    } else {
      res.writeHead(404, { 'content-type': 'text/plain' }).end('not found\n')
    }
  })
  const endpoint = new Endpoint()
  endpoint.socket('/socket', { channels: [['room:*', roomChannel]], longpoll: true })
  // After the request handler exists: attach wraps the handlers present now.
  endpoint.attach(server)
  return {
    endpoint,
    server,
    async listen(port = 0, host = '127.0.0.1'): Promise<string> {
      await endpoint.start()
      await new Promise<void>((resolve) => server.listen(port, host, resolve))
      return `http://${host}:${(server.address() as AddressInfo).port}`
    },
    async close(): Promise<void> {
      await endpoint.close()
      server.closeAllConnections()
      await new Promise<void>((resolve) => server.close(() => resolve()))
    },
  }
}
