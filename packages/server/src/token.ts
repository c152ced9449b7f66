// Signed tokens (the Phoenix.Token idea): a server signs a small JSON value, hands it to a
// page, and later verifies it in `connect` instead of trusting ids from connect params.
// Tokens are signed, not encrypted: anyone holding one can read its data.
//
// Format: base64url(JSON {"d": data, "s": signedAtMs}) "." base64url(HMAC-SHA256(key, part 1)),
// where key = PBKDF2-HMAC-SHA256(secret, salt, 1000 iterations, 32 bytes), derived once per
// (secret, salt) and cached: the salt separates purposes, so a token minted for one use
// ("user socket") is refused for another ("password reset").
import { createHmac, pbkdf2Sync, timingSafeEqual } from 'node:crypto'
import { ServerError } from './errors.js'

/** PBKDF2 iterations of the per-salt key; the secret is already high-entropy, so few suffice. */
export const TOKEN_KEY_ITERATIONS = 1000
/** Shortest accepted secret, in bytes; generate 64 random bytes for production. */
export const MIN_SECRET_BYTES = 32
/** Default `maxAge` of {@link verifyToken}, in seconds (one day). */
export const DEFAULT_TOKEN_MAX_AGE = 86_400

/** Why {@link verifyToken} refused a token. */
export type TokenFailure = 'expired' | 'invalid' | 'missing'

/** Outcome of {@link verifyToken}. */
export type TokenResult<T = unknown> =
  | { readonly ok: true; readonly data: T; readonly signedAt: number }
  | { readonly ok: false; readonly reason: TokenFailure }

/** Options of {@link signToken}. */
export interface SignOptions {
  /** Signing time in ms since the epoch. @default Date.now() */
  signedAt?: number
}

/** Options of {@link verifyToken}. */
export interface VerifyOptions {
  /** Seconds a token stays valid after its signing time; `Infinity` never expires. @default 86400 */
  maxAge?: number
  /** Current time in ms since the epoch. @default Date.now() */
  now?: number
}

const MAX_CACHED_KEYS = 64
const keys = new Map<string, Buffer>()

function derivedKey(secret: string, salt: string): Buffer {
  if (typeof secret !== 'string' || Buffer.byteLength(secret) < MIN_SECRET_BYTES) {
    throw new ServerError(
      'INVALID_CONFIG',
      `token secret must be a string of at least ${MIN_SECRET_BYTES} bytes (generate 64 random bytes)`,
    )
  }
  if (typeof salt !== 'string')
    throw new ServerError('INVALID_CONFIG', 'token salt must be a string')
  const id = `${salt.length}:${salt}:${secret}`
  let key = keys.get(id)
  if (key === undefined) {
    // Bounded so callers deriving salts from user input cannot grow it forever.
    if (keys.size >= MAX_CACHED_KEYS) keys.clear()
    key = pbkdf2Sync(secret, salt, TOKEN_KEY_ITERATIONS, 32, 'sha256')
    keys.set(id, key)
  }
  return key
}

function mac(key: Buffer, body: string): Buffer {
  return createHmac('sha256', key).update(body).digest()
}

/**
 * Signs `data` (any JSON value) for `salt`. The result is URL-safe.
 * @throws ServerError INVALID_CONFIG for a short secret, INVALID_PAYLOAD when data is not JSON
 * @example
 * const token = signToken(process.env.SECRET_KEY_BASE!, 'user socket', { user_id: 42 })
 */
export function signToken(
  secret: string,
  salt: string,
  data: unknown,
  options: SignOptions = {},
): string {
  const key = derivedKey(secret, salt)
  const signedAt = options.signedAt ?? Date.now()
  if (!Number.isSafeInteger(signedAt))
    throw new ServerError('INVALID_PAYLOAD', 'signedAt must be an integer of ms since the epoch')
  let json: string | undefined
  try {
    json = JSON.stringify({ d: data, s: signedAt })
  } catch (cause) {
    throw new ServerError('INVALID_PAYLOAD', 'token data must be JSON-encodable', { cause })
  }
  const body = Buffer.from(json).toString('base64url')
  return `${body}.${mac(key, body).toString('base64url')}`
}

function parseBody(body: string): { d: unknown; s: number } | undefined {
  try {
    const v = JSON.parse(Buffer.from(body, 'base64url').toString('utf8')) as unknown
    if (typeof v !== 'object' || v === null || !('s' in v) || !('d' in v)) return undefined
    const s = (v as { s: unknown }).s
    return typeof s === 'number' && Number.isSafeInteger(s)
      ? { d: (v as { d: unknown }).d, s }
      : undefined
  } catch {
    return undefined
  }
}

function signatureMatches(key: Buffer, body: string, sig: string): boolean {
  const expected = mac(key, body)
  const given = Buffer.from(sig, 'base64url')
  // Node's base64url decoder skips stray characters, so insist on the canonical spelling:
  // one token, one spelling. Equal lengths first, as timingSafeEqual throws otherwise.
  if (given.length !== expected.length || given.toString('base64url') !== sig) return false
  return timingSafeEqual(given, expected)
}

/**
 * Verifies a token from {@link signToken} with the same secret and salt. Never throws for
 * a bad token: an absent one is `missing`, a forged, tampered, foreign-salt or malformed one
 * `invalid`, and one older than `maxAge` seconds `expired`.
 * @throws ServerError INVALID_CONFIG for a short secret (a deployment error, not a client's)
 * @example
 * const r = verifyToken(secret, 'user socket', params.token, { maxAge: 86400 })
 * if (!r.ok) return connectError({ reason: r.reason })
 */
export function verifyToken<T = unknown>(
  secret: string,
  salt: string,
  token: unknown,
  options: VerifyOptions = {},
): TokenResult<T> {
  const key = derivedKey(secret, salt)
  const maxAge = options.maxAge ?? DEFAULT_TOKEN_MAX_AGE
  if (typeof maxAge !== 'number' || !(maxAge >= 0)) {
    throw new ServerError('INVALID_CONFIG', 'maxAge must be a number of seconds >= 0')
  }
  if (token === undefined || token === null || token === '') return { ok: false, reason: 'missing' }
  if (typeof token !== 'string' || token.length > 16_384) return { ok: false, reason: 'invalid' }
  const dot = token.indexOf('.')
  if (dot <= 0 || dot !== token.lastIndexOf('.')) return { ok: false, reason: 'invalid' }
  const body = token.slice(0, dot)
  if (!signatureMatches(key, body, token.slice(dot + 1))) return { ok: false, reason: 'invalid' }
  const parsed = parseBody(body)
  if (parsed === undefined) return { ok: false, reason: 'invalid' }
  if (parsed.s + maxAge * 1000 < (options.now ?? Date.now()))
    return { ok: false, reason: 'expired' }
  return { ok: true, data: parsed.d as T, signedAt: parsed.s }
}
