// check_origin: decides whether a request's Origin header is acceptable.
// Policies are compiled once per socket; list entries are parsed up front so a bad entry
// fails at definition time, not on the first request.

import { ServerError } from './errors.js'
import type { CheckOrigin } from './types.js'

/** `(origin header, request Host header) -> allowed?` */
export type OriginCheck = (origin: string | undefined, requestHost: string | undefined) => boolean

interface Allowed {
  scheme: string | undefined
  host: string
  wildcard: boolean
  port: number | undefined
}

const DEFAULT_PORTS: Record<string, number> = { http: 80, https: 443, ws: 80, wss: 443 }

function defaultPort(scheme: string | undefined): number | undefined {
  return scheme === undefined ? undefined : DEFAULT_PORTS[scheme]
}

function parseEntry(entry: string): Allowed {
  const m = /^(?:([a-z][a-z0-9+.-]*):)?\/\/([^/:?#]*)(?::(\d+))?\/?$/i.exec(entry)
  const rawHost = m?.[2]
  if (m === null || rawHost === undefined || rawHost === '') {
    throw new ServerError(
      'INVALID_CONFIG',
      `checkOrigin entry ${JSON.stringify(entry)} has no host; write it like "https://example.com", "//example.com:8080" or "//*.example.com"`,
    )
  }
  const scheme = m[1]?.toLowerCase()
  const wildcard = rawHost.startsWith('*.')
  const host = (wildcard ? rawHost.slice(2) : rawHost).toLowerCase()
  const port = m[3] === undefined ? defaultPort(scheme) : Number(m[3])
  return { scheme, host, wildcard, port }
}

function matches(allowed: Allowed, origin: URL): boolean {
  const scheme = origin.protocol.slice(0, -1)
  if (allowed.scheme !== undefined && allowed.scheme !== scheme) return false
  const port = origin.port === '' ? defaultPort(scheme) : Number(origin.port)
  if (allowed.port !== undefined && allowed.port !== port) return false
  const host = origin.hostname.toLowerCase()
  if (host === allowed.host) return true
  return allowed.wildcard && host.endsWith(`.${allowed.host}`)
}

function parseOrigin(origin: string): URL | undefined {
  try {
    const url = new URL(origin)
    return url.hostname === '' ? undefined : url
  } catch {
    return undefined
  }
}

function hostOf(hostHeader: string | undefined): string | undefined {
  if (hostHeader === undefined) return undefined
  return parseOrigin(`http://${hostHeader}`)?.hostname.toLowerCase()
}

/**
 * Compiles a policy. A request without an Origin header is always allowed; with checking
 * on, an Origin that does not parse to a host is refused. No policy means "check" when the
 * endpoint knows its host (a browser page from any other site must not borrow the user's
 * cookies to open a socket), and "allow all" otherwise.
 */
export function compileOriginCheck(
  given: CheckOrigin | undefined,
  host: string | undefined,
): OriginCheck {
  const policy = given ?? host !== undefined
  if (policy === false) return () => true
  let test: (url: URL, requestHost: string | undefined) => boolean
  if (policy === true) {
    const configured = host?.toLowerCase()
    test = (url, requestHost) => url.hostname.toLowerCase() === (configured ?? hostOf(requestHost))
  } else if (typeof policy === 'function') {
    test = (url) => policy(url) === true
  } else if (Array.isArray(policy)) {
    const entries = (policy as readonly string[]).map(parseEntry)
    test = (url) => entries.some((e) => matches(e, url))
  } else {
    throw new ServerError(
      'INVALID_CONFIG',
      'checkOrigin must be a boolean, a list of origins or a function',
    )
  }
  return (origin, requestHost) => {
    if (origin === undefined) return true
    const url = parseOrigin(origin)
    return url !== undefined && test(url, requestHost)
  }
}
