// Long-poll transport: GET creates a session (410 + token) or collects its
// buffered frames (200, or 204 after the window); POST feeds ndjson lines (text frames, or
// base64 binary pushes) to the session's connection in order. Every answer is HTTP 200 with
// the semantic status in a JSON body, plus CORS headers. Tokens are unguessable random ids.
// Same answers as Phoenix's LongPoll transport; see docs/protocol.md.

import { randomBytes } from 'node:crypto'
import type { IncomingMessage, ServerResponse } from 'node:http'
import { base64ToBytes, type Frame } from '@plume/protocol'
import type { Connection } from '../connection.js'
import type { SocketHandler } from '../socket-handler.js'
import { CloseCode } from './socket-like.js'
import { LongPollSession } from './longpoll-session.js'
import { publishLimit } from '../events.js'
import type { TransportDeps } from './websocket.js'

const MAX_LINES = 100
const TOKEN_HEADER = 'x-phoenix-longpoll-token'
const AUTH_HEADER = 'x-phoenix-authtoken'

interface Entry {
  readonly session: LongPollSession
  readonly connection: Connection
}

export class LongPollTransport {
  readonly #handler: SocketHandler
  readonly #deps: TransportDeps
  readonly #sessions = new Map<string, Entry>()

  constructor(handler: SocketHandler, deps: TransportDeps) {
    this.#handler = handler
    this.#deps = deps
  }

  /** Handles a request whose path is this socket's long-poll path. */
  async handle(req: IncomingMessage, res: ServerResponse, url: URL): Promise<void> {
    if (req.method === 'OPTIONS') return preflight(req, res)
    if (req.method !== 'GET' && req.method !== 'POST') return end(res, 400, '')
    if (!this.#handler.originAllowed(req.headers, url)) return respond(res, { status: 403 })
    const token = headerValue(req, TOKEN_HEADER) ?? url.searchParams.get('token') ?? undefined
    const entry = token === undefined ? undefined : this.#sessions.get(token)
    if (req.method === 'GET') {
      if (entry !== undefined) return entry.session.poll(res)
      return this.#create(req, res, url)
    }
    if (entry === undefined) return respond(res, { status: 410 })
    return this.#post(req, res, entry)
  }

  async #create(req: IncomingMessage, res: ServerResponse, url: URL): Promise<void> {
    if (!this.#deps.accepting()) return respond(res, { status: 500 })
    const peer = { address: req.socket.remoteAddress, port: req.socket.remotePort }
    const authToken = headerValue(req, AUTH_HEADER)
    const auth = await this.#handler.authorize({
      transport: 'longpoll',
      url,
      headers: req.headers,
      peer,
      authToken,
    })
    if (!auth.ok) return respond(res, { status: auth.status })
    // connect may have run across a drain or close: no session on an endpoint going away.
    if (!this.#deps.accepting()) return respond(res, { status: 500 })
    const token = this.#handler.options.tokenPrefix + randomBytes(24).toString('base64url')
    const session = new LongPollSession({
      token,
      windowMs: this.#handler.options.windowMs,
      scheduler: this.#deps.scheduler,
      respond,
      maxOutboundBytes: this.#handler.options.limits.maxOutboundBytes,
    })
    const connection = this.#deps.open(session, this.#handler, auth, 'longpoll')
    if (connection === undefined) return respond(res, { status: 500 })
    session.start(() => connection.close(CloseCode.goingAway, 'inactive', 'inactive'))
    session.onClose(() => this.#sessions.delete(token))
    this.#sessions.set(token, { session, connection })
    respond(res, { status: 410, token, messages: [] })
  }

  async #post(req: IncomingMessage, res: ServerResponse, { session }: Entry): Promise<void> {
    const body = await readBody(req, this.#handler.options.maxBodySize)
    if (body === undefined) {
      publishLimit(undefined, 'max_body_size', this.#handler.options.maxBodySize)
      return tooLarge(req, res)
    }
    const ndjson = (req.headers['content-type'] ?? '').startsWith('application/x-ndjson')
    const lines = ndjson ? body.split(/\r?\n/).slice(0, MAX_LINES) : [body]
    for (const line of lines) {
      if (ndjson && line === '') continue
      const frame = toFrame(line)
      if (frame === undefined) {
        this.#deps.logger.warn(
          'plume: long-poll line is neither a JSON frame nor base64; batch stopped',
        )
        return respond(res, { status: 400 })
      }
      const outcome = await this.#dispatch(session, frame)
      if (outcome !== 200) return respond(res, { status: outcome })
    }
    respond(res, { status: 200 })
  }

  /** 200 once dispatched, 408 when that takes longer than the window, 410 if the session died. */
  async #dispatch(session: LongPollSession, frame: Frame): Promise<number> {
    let cancel = (): void => {}
    const timedOut = new Promise<number>((resolve) => {
      cancel = this.#deps.scheduler.after(this.#handler.options.windowMs, () => resolve(408))
    })
    const status = await Promise.race([session.dispatch(frame).then(() => 200), timedOut])
    cancel()
    return status === 200 && !session.isOpen ? 410 : status
  }

  /** Ends every session (their connections close, parked GETs get 410). */
  close(): void {
    for (const { connection } of [...this.#sessions.values()]) {
      connection.close(CloseCode.goingAway, 'shutdown', 'shutdown')
    }
  }
}

function toFrame(line: string): Frame | undefined {
  if (line.startsWith('[') || line.startsWith('{')) return line
  try {
    return base64ToBytes(line)
  } catch {
    return undefined
  }
}

function headerValue(req: IncomingMessage, name: string): string | undefined {
  const value = req.headers[name]
  const first = Array.isArray(value) ? value[0] : value
  return first === '' ? undefined : first
}

/** The body, or undefined once it passes `limit` (reading stops there) or fails. */
function readBody(req: IncomingMessage, limit: number): Promise<string | undefined> {
  const declared = Number(req.headers['content-length'] ?? 0)
  if (declared > limit) return Promise.resolve(undefined)
  return new Promise((resolve) => {
    const chunks: Buffer[] = []
    let size = 0
    const onData = (chunk: Buffer): void => {
      size += chunk.length
      if (size <= limit) return void chunks.push(chunk)
      req.off('data', onData)
      req.pause()
      resolve(undefined)
    }
    req.on('data', onData)
    req.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')))
    req.on('error', () => resolve(undefined))
  })
}

/** 413, then the connection is closed: the rest of the body is never read. */
function tooLarge(req: IncomingMessage, res: ServerResponse): void {
  res.shouldKeepAlive = false
  res.once('finish', () => req.socket.destroy())
  respond(res, { status: 413 })
}

const BASE_HEADERS = { 'access-control-allow-origin': '*', 'cache-control': 'no-store' }

function end(
  res: ServerResponse,
  status: number,
  body: string,
  headers: Record<string, string> = {},
): void {
  if (res.headersSent || res.destroyed) return
  res.writeHead(status, { ...BASE_HEADERS, ...headers })
  res.end(body)
}

function respond(res: ServerResponse, body: Record<string, unknown>): void {
  end(res, 200, JSON.stringify(body), { 'content-type': 'application/json; charset=utf-8' })
}

function preflight(req: IncomingMessage, res: ServerResponse): void {
  const requested = req.headers['access-control-request-headers']
  end(res, 200, '', {
    'access-control-allow-headers': Array.isArray(requested)
      ? requested.join(', ')
      : (requested ?? ''),
    'access-control-allow-methods': 'get, post, options',
    'access-control-max-age': '3600',
  })
}
