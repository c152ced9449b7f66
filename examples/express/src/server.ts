// An Express app whose routes share the port with a Plume endpoint. Express only handles
// requests, so the endpoint attaches to the http.Server running the app: it takes the
// socket's paths (WebSocket upgrades and long-poll requests) and passes the rest to Express.
import { createServer } from 'node:http'
import type { AddressInfo } from 'node:net'
import express from 'express'
import { Endpoint } from '@plume/server'
import { roomChannel } from './room-channel.js'

/** The Express app, its server and the endpoint; nothing listens until `listen`. */
export function createExpressExample() {
  const app = express()
  app.get('/health', (_req, res) => {
    res.json({ status: 'ok' })
  })
  app.get('/', (_req, res) => {
    res.type('text').send('Hello from Express\n')
  })
  const server = createServer(app)
  const endpoint = new Endpoint()
  endpoint.socket('/socket', { channels: [['room:*', roomChannel]], longpoll: true })
  endpoint.attach(server)
  return {
    app,
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
