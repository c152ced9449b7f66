// A raw WebSocket handshake over node:http, for tests that must see exactly what the server
// answers (status, chosen subprotocol, body) even where the `ws` client would refuse to send
// the request (malformed headers, other methods) or fail the upgrade itself.

import { randomBytes } from 'node:crypto'
import { request, type IncomingMessage } from 'node:http'
import { within } from '@plume/testkit'

/** What the server answered to a handshake. */
export interface HandshakeAnswer {
  readonly status: number
  /** The Sec-WebSocket-Protocol answered, if any. */
  readonly protocol: string | undefined
  /** The body of a refusal ('' for 101). */
  readonly body: string
}

/** Sends an upgrade request; on 101 the socket is destroyed right away (the server sees a close). */
export function handshake(
  url: string,
  options: { protocol?: string; method?: string; headers?: Record<string, string> } = {},
): Promise<HandshakeAnswer> {
  const headers: Record<string, string> = {
    connection: 'Upgrade',
    upgrade: 'websocket',
    'sec-websocket-version': '13',
    'sec-websocket-key': randomBytes(16).toString('base64'),
    ...options.headers,
  }
  if (options.protocol !== undefined) headers['sec-websocket-protocol'] = options.protocol
  const req = request(url.replace(/^ws/, 'http'), { method: options.method ?? 'GET', headers })
  const answer = new Promise<HandshakeAnswer>((resolve, reject) => {
    req.once('upgrade', (res: IncomingMessage, socket) => {
      socket.destroy()
      resolve({ status: res.statusCode ?? 0, protocol: protocolOf(res), body: '' })
    })
    req.once('response', (res: IncomingMessage) => {
      const chunks: Buffer[] = []
      res.on('data', (c: Buffer) => chunks.push(c))
      res.once('end', () =>
        resolve({
          status: res.statusCode ?? 0,
          protocol: protocolOf(res),
          body: Buffer.concat(chunks).toString('utf8'),
        }),
      )
    })
    req.once('error', reject)
  })
  req.end()
  return within(answer, `handshake ${options.method ?? 'GET'} ${url}`)
}

function protocolOf(res: IncomingMessage): string | undefined {
  const value = res.headers['sec-websocket-protocol']
  return typeof value === 'string' ? value : undefined
}
