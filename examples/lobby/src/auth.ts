// How the lobby decides who a connection is. `params` (the Presence guide's demo) trusts the
// `user_id` connect param, so anyone can claim any name. `token` is the production shape:
// the server mints a signed token (`GET /token?name=`), the page connects with it, and
// `connect` verifies it. A real app would mint only after its own login (a session cookie);
// the lobby has no accounts, so /token stands in for that step.
import type { IncomingMessage, ServerResponse } from 'node:http'
import { signToken, verifyToken } from '@plume/server'
import type { ConnectInfo } from '@plume/server'

/** The lobby's auth mode (`LOBBY_AUTH`), with `SECRET_KEY_BASE` in token mode. */
export type LobbyAuth = { mode: 'params' } | { mode: 'token'; secret: string }

/** Salt separating lobby socket tokens from any other token signed with the same secret. */
export const TOKEN_SALT = 'lobby socket'
/** Seconds a minted token may be used to connect. */
export const TOKEN_MAX_AGE = 3600

const MAX_NAME = 64

function validName(name: unknown): name is string {
  return typeof name === 'string' && name !== '' && name !== 'undefined' && name.length <= MAX_NAME
}

/** The socket's connect: assigns `user_id` from the verified token or, in params mode, the param. */
export function connectWith(auth: LobbyAuth) {
  return (params: Record<string, string>, info: ConnectInfo): { user_id: string } | false => {
    if (auth.mode === 'params')
      return validName(params['user_id']) ? { user_id: params['user_id'] } : false
    const token = params['token'] ?? info.authToken
    const r = verifyToken<{ user_id?: unknown }>(auth.secret, TOKEN_SALT, token, {
      maxAge: TOKEN_MAX_AGE,
    })
    return r.ok && validName(r.data.user_id) ? { user_id: r.data.user_id } : false
  }
}

/** Answers `GET /token?name=` in token mode; false when the request is not for it. */
export function serveToken(auth: LobbyAuth, req: IncomingMessage, res: ServerResponse): boolean {
  const url = new URL(req.url ?? '/', 'http://localhost')
  if (auth.mode !== 'token' || req.method !== 'GET' || url.pathname !== '/token') return false
  const name = url.searchParams.get('name')
  if (!validName(name)) {
    res
      .writeHead(400, { 'content-type': 'application/json' })
      .end('{"error":"name must be 1-64 characters"}')
    return true
  }
  const token = signToken(auth.secret, TOKEN_SALT, { user_id: name })
  res.writeHead(200, { 'content-type': 'application/json', 'cache-control': 'no-store' })
  res.end(JSON.stringify({ token }))
  return true
}
