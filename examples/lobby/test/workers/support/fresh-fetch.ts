// A stand-in for global fetch that opens a new TCP connection for every request (Node's
// fetch keeps connections alive, so all of a client's polls would ride one connection to
// one worker and stickiness would never be exercised). With one connection per request,
// node:cluster's round-robin spreads a session's requests over every worker. It also
// records the long-poll token each request carried. Just what the long-poll clients use:
// method, headers, string body, abort signal; the answer's status and text().
import { request } from 'node:http'

/** The token of every long-poll request made, in order ('' for session-creating GETs). */
export const tokensSent: string[] = []

function tokenOf(url: URL, headers: Record<string, string>): string {
  const header = Object.entries(headers).find(
    ([k]) => k.toLowerCase() === 'x-phoenix-longpoll-token',
  )
  return header?.[1] ?? url.searchParams.get('token') ?? ''
}

function freshFetch(input: string | URL | Request, init: RequestInit = {}): Promise<Response> {
  const url = new URL(String(input instanceof Request ? input.url : input))
  const headers = (init.headers ?? {}) as Record<string, string>
  if (url.pathname.endsWith('/longpoll')) tokensSent.push(tokenOf(url, headers))
  return new Promise((resolve, reject) => {
    const req = request(url, { method: init.method ?? 'GET', headers, agent: false }, (res) => {
      const chunks: Buffer[] = []
      res.on('data', (c: Buffer) => chunks.push(c))
      res.on('end', () => {
        const status = res.statusCode ?? 500
        const body = Buffer.concat(chunks).toString('utf8')
        const bodiless = body === '' || [204, 205, 304].includes(status)
        resolve(new Response(bodiless ? null : body, { status }))
      })
      res.on('error', reject)
    })
    req.on('error', reject)
    init.signal?.addEventListener('abort', () => {
      req.destroy()
      reject(new DOMException('aborted', 'AbortError'))
    })
    req.end(typeof init.body === 'string' ? init.body : undefined)
  })
}

/** Replaces global fetch until the returned function is called. */
export function installFreshFetch(): () => void {
  const original = globalThis.fetch
  globalThis.fetch = freshFetch
  return () => {
    globalThis.fetch = original
  }
}
