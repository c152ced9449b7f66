// Loopback port and socket helpers: tests bind only to 127.0.0.1 and never to fixed ports.
import { once } from 'node:events'
import { createServer } from 'node:net'
import { TestkitError } from './errors.js'

/**
 * A port the OS just handed out (bind to 0, read, close). For child processes that cannot
 * be told to listen on port 0; another process could take it first, which tests accept.
 */
export async function freePort(): Promise<number> {
  const server = createServer()
  server.listen(0, '127.0.0.1')
  await once(server, 'listening')
  const address = server.address()
  server.close()
  await once(server, 'close')
  if (address === null || typeof address === 'string') {
    throw new TestkitError('INVALID_STATE', 'no port from the OS')
  }
  return address.port
}

/**
 * TCP sockets this process holds open (servers excluded). Compare before and after a client
 * closes, minus the sockets a `TcpProxy` still holds, to prove the client let go.
 */
export function openTcpSockets(): number {
  return process.getActiveResourcesInfo().filter((r) => r === 'TCPSocketWrap').length
}
