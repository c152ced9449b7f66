// Resolves socket options once into a fully specified shape (house habit 12): defaults,
// path joining and validation happen here so the transports read plain numbers and paths.

import { ServerError } from './errors.js'
import { resolveLimits, type ResolvedLimits } from './limits/options.js'
import { isSubprotocolName } from './transports/subprotocols.js'
import type { SocketOptions, WebSocketOptions } from './types.js'

export interface ResolvedSocketOptions {
  /** Mount path, e.g. '/socket'. */
  readonly path: string
  /** Full WebSocket path, or undefined when disabled. */
  readonly websocketPath: string | undefined
  /** Full long-poll path, or undefined when disabled. */
  readonly longpollPath: string | undefined
  readonly timeout: number
  readonly maxFrameSize: number
  /** permessage-deflate offered to clients. */
  readonly compress: boolean
  /** Allowed subprotocols in preference order; undefined = no check. */
  readonly subprotocols: readonly string[] | undefined
  readonly windowMs: number
  readonly maxBodySize: number
  /** Prefix of every long-poll session token ('' for none). */
  readonly tokenPrefix: string
  readonly maxChannels: number
  readonly limits: ResolvedLimits
}

const MiB = 1024 * 1024

function normalizePath(path: unknown, what: string): string {
  if (typeof path !== 'string' || !path.startsWith('/')) {
    throw new ServerError(
      'INVALID_CONFIG',
      `${what} must be a string starting with '/', got ${JSON.stringify(path) ?? typeof path}`,
    )
  }
  return path.length > 1 && path.endsWith('/') ? path.slice(0, -1) : path
}

function positive(value: unknown, fallback: number, what: string): number {
  if (value === undefined) return fallback
  if (typeof value !== 'number' || !Number.isFinite(value) || value <= 0) {
    throw new ServerError(
      'INVALID_CONFIG',
      `${what} must be a positive number, got ${JSON.stringify(value) ?? typeof value}`,
    )
  }
  return value
}

function join(base: string, suffix: string): string {
  return base === '/' ? suffix : base + suffix
}

function subprotocols(value: unknown): readonly string[] | undefined {
  if (value === undefined) return undefined
  if (!Array.isArray(value) || !value.every(isSubprotocolName)) {
    throw new ServerError(
      'INVALID_CONFIG',
      `websocket.subprotocols must be an array of subprotocol names (RFC 7230 tokens such as 'mqtt'), got ${JSON.stringify(value) ?? typeof value}`,
    )
  }
  return Object.freeze([...value])
}

function websocketOptions(ws: WebSocketOptions | false) {
  const o: WebSocketOptions = ws === false ? {} : ws
  if (o.compress !== undefined && typeof o.compress !== 'boolean') {
    throw new ServerError(
      'INVALID_CONFIG',
      `websocket.compress must be a boolean, got ${JSON.stringify(o.compress) ?? typeof o.compress}`,
    )
  }
  return {
    timeout: positive(o.timeout, 60_000, 'websocket.timeout'),
    maxFrameSize: positive(o.maxFrameSize, MiB, 'websocket.maxFrameSize'),
    compress: o.compress ?? false,
    subprotocols: subprotocols(o.subprotocols),
  }
}

// URL-safe characters only: the token travels in a query string and a header unescaped.
function tokenPrefix(value: unknown): string {
  if (value === undefined) return ''
  if (typeof value !== 'string' || !/^[A-Za-z0-9._~-]{0,64}$/.test(value)) {
    throw new ServerError(
      'INVALID_CONFIG',
      'longpoll.tokenPrefix must be at most 64 of A-Z a-z 0-9 . _ ~ -',
    )
  }
  return value
}

export function resolveSocketOptions(path: string, o: SocketOptions): ResolvedSocketOptions {
  const base = normalizePath(path, 'socket path')
  const ws = o.websocket === undefined || o.websocket === true ? {} : o.websocket
  const lp = o.longpoll === true ? {} : o.longpoll === undefined ? false : o.longpoll
  const websocketPath =
    ws === false ? undefined : join(base, normalizePath(ws.path ?? '/websocket', 'websocket.path'))
  const longpollPath =
    lp === false ? undefined : join(base, normalizePath(lp.path ?? '/longpoll', 'longpoll.path'))
  if (websocketPath !== undefined && websocketPath === longpollPath) {
    throw new ServerError(
      'INVALID_CONFIG',
      `websocket and longpoll cannot share the path ${websocketPath}`,
    )
  }
  return {
    path: base,
    websocketPath,
    longpollPath,
    ...websocketOptions(ws),
    windowMs: positive(lp === false ? undefined : lp.windowMs, 10_000, 'longpoll.windowMs'),
    maxBodySize: positive(lp === false ? undefined : lp.maxBodySize, MiB, 'longpoll.maxBodySize'),
    tokenPrefix: tokenPrefix(lp === false ? undefined : lp.tokenPrefix),
    maxChannels: positive(o.maxChannels, 100, 'maxChannels'),
    limits: resolveLimits(o.limits),
  }
}
