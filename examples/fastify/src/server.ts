// A Fastify app whose routes share the port with a Plume endpoint. Fastify creates its
// http.Server (`fastify.server`) with its request handler already installed, so the endpoint
// attaches to it right away: it takes the socket's paths (WebSocket upgrades and long-poll
// requests) and passes every other request to Fastify.
import Fastify from 'fastify'
import { Endpoint } from '@plume/server'
import { roomChannel } from './room-channel.js'

/** The Fastify instance and the endpoint; nothing listens until `listen`. */
export function createFastifyExample() {
  const fastify = Fastify()
  fastify.get('/health', async () => ({ status: 'ok' }))
  fastify.get('/', async (_request, reply) => reply.type('text/plain').send('Hello from Fastify\n'))
  const endpoint = new Endpoint()
  endpoint.socket('/socket', { channels: [['room:*', roomChannel]], longpoll: true })
  endpoint.attach(fastify.server)
  // Fastify's close waits for the server; the endpoint's connections must go first.
  fastify.addHook('preClose', async () => {
    await endpoint.close()
    fastify.server.closeAllConnections()
  })
  return {
    fastify,
    endpoint,
    async listen(port = 0, host = '127.0.0.1'): Promise<string> {
      await endpoint.start()
      return fastify.listen({ port, host })
    },
    close: () => fastify.close(),
  }
}
