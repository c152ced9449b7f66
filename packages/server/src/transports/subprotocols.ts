// The Sec-WebSocket-Protocol step of the WebSocket handshake: pulls
// the phoenix.js auth token out of the offered list, then picks the subprotocol to answer.
// Pure (no I/O, no logging) so the transport decides when and how to refuse.

import { base64ToBytes } from '@plume/protocol'

/** The subprotocol entry phoenix.js uses to carry its `authToken`. */
export const AUTH_TOKEN_PREFIX = 'base64url.bearer.phx.'

/** An RFC 7230 token: what `ws` (and browsers) accept as a subprotocol name. */
const TOKEN = /^[!#$%&'*+\-.^_`|~0-9A-Za-z]+$/

/** The outcome: what to answer, or why to refuse. */
export type Negotiation =
  | {
      readonly ok: true
      readonly authToken: string | undefined
      /** The subprotocol to echo, or undefined to answer none. */
      readonly protocol: string | undefined
    }
  | { readonly ok: false; readonly status: 400 | 403; readonly reason: string }

/** True when `name` is usable as a subprotocol name. */
export function isSubprotocolName(name: unknown): name is string {
  return typeof name === 'string' && TOKEN.test(name)
}

/**
 * Negotiates the subprotocol. `allowed` undefined means no check: `phoenix` is answered when
 * offered (phoenix.js with `authToken`), anything else gets no answer. With `allowed`, the
 * first allowed name the client offers (token entry excluded) is answered; none gives 403.
 * No header at all is never refused, as in Phoenix.
 */
export function negotiateSubprotocol(
  header: string | undefined,
  allowed: readonly string[] | undefined,
): Negotiation {
  if (header === undefined) return { ok: true, authToken: undefined, protocol: undefined }
  const offered = parseOffer(header)
  if (offered === undefined) {
    // Unconfigured, this is just an invalid upgrade (400); configured, it is a refusal (403).
    return refuse(allowed === undefined ? 400 : 403, 'malformed Sec-WebSocket-Protocol header')
  }
  const tokens = offered.filter((p) => p.startsWith(AUTH_TOKEN_PREFIX))
  if (tokens.length > 1) return refuse(403, 'more than one auth token subprotocol')
  const authToken = tokens[0] === undefined ? undefined : decodeToken(tokens[0])
  if (authToken === null) return refuse(403, 'malformed auth token subprotocol')
  const rest = offered.filter((p) => !p.startsWith(AUTH_TOKEN_PREFIX))
  if (allowed === undefined) {
    return { ok: true, authToken, protocol: rest.includes('phoenix') ? 'phoenix' : undefined }
  }
  const protocol = allowed.find((p) => rest.includes(p))
  if (protocol === undefined) return refuse(403, 'no allowed subprotocol offered')
  return { ok: true, authToken, protocol }
}

function refuse(status: 400 | 403, reason: string): Negotiation {
  return { ok: false, status, reason }
}

/**
 * Splits the comma-separated list. At least as strict as `ws`'s own parser (empty entries,
 * non-token characters and duplicates are malformed), so `ws` never fails an upgrade that
 * passed here, after `connect` already ran.
 */
function parseOffer(header: string): string[] | undefined {
  const names = header.split(',').map((p) => p.replace(/^[ \t]+|[ \t]+$/g, ''))
  if (!names.every(isSubprotocolName)) return undefined
  return new Set(names).size === names.length ? names : undefined
}

/** The decoded token; null when it is not padding-less base64 of UTF-8. */
function decodeToken(entry: string): string | null {
  try {
    return new TextDecoder('utf-8', { fatal: true }).decode(
      base64ToBytes(entry.slice(AUTH_TOKEN_PREFIX.length)),
    )
  } catch {
    return null
  }
}
