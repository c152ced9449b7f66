// Signed tokens: round trip, expiry, tampering, wrong secret or salt, missing and malformed
// tokens, all answered with a typed result rather than an exception.
import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import { ServerError, signToken, verifyToken } from '@plume/server'

const SECRET = 'k'.repeat(64)
const SALT = 'user socket'
const T0 = 1_700_000_000_000

function flip(s: string, at: number): string {
  const c = s[at] === 'A' ? 'B' : 'A'
  return s.slice(0, at) + c + s.slice(at + 1)
}

describe('signToken / verifyToken', () => {
  it('round-trips JSON data and the signing time', () => {
    const token = signToken(SECRET, SALT, { user_id: 42, name: 'ana' }, { signedAt: T0 })
    assert.match(token, /^[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+$/)
    const r = verifyToken(SECRET, SALT, token, { now: T0 + 1000 })
    assert.deepEqual(r, { ok: true, data: { user_id: 42, name: 'ana' }, signedAt: T0 })
  })

  it('expires after maxAge seconds (default one day), not before', () => {
    const token = signToken(SECRET, SALT, 1, { signedAt: T0 })
    assert.equal(verifyToken(SECRET, SALT, token, { now: T0 + 86_400_000 }).ok, true)
    assert.deepEqual(verifyToken(SECRET, SALT, token, { now: T0 + 86_400_001 }), {
      ok: false,
      reason: 'expired',
    })
    assert.deepEqual(verifyToken(SECRET, SALT, token, { maxAge: 10, now: T0 + 10_001 }), {
      ok: false,
      reason: 'expired',
    })
    assert.equal(verifyToken(SECRET, SALT, token, { maxAge: Infinity, now: T0 * 2 }).ok, true)
  })

  it('refuses a token with any character changed, in the data or the signature', () => {
    const token = signToken(SECRET, SALT, { user_id: 1 }, { signedAt: T0 })
    for (let at = 0; at < token.length; at++) {
      if (token[at] === '.') continue
      const r = verifyToken(SECRET, SALT, flip(token, at), { now: T0 })
      assert.deepEqual(r, { ok: false, reason: 'invalid' }, `changed at ${at}`)
    }
  })

  it('refuses data swapped under a valid signature', () => {
    const a = signToken(SECRET, SALT, { user_id: 1 }, { signedAt: T0 })
    const b = signToken(SECRET, SALT, { user_id: 2 }, { signedAt: T0 })
    const forged = `${b.split('.')[0]}.${a.split('.')[1]}`
    assert.deepEqual(verifyToken(SECRET, SALT, forged, { now: T0 }), {
      ok: false,
      reason: 'invalid',
    })
  })

  it('refuses a token of another salt or another secret', () => {
    const token = signToken(SECRET, SALT, 1, { signedAt: T0 })
    assert.deepEqual(verifyToken(SECRET, 'password reset', token, { now: T0 }), {
      ok: false,
      reason: 'invalid',
    })
    assert.deepEqual(verifyToken('j'.repeat(64), SALT, token, { now: T0 }), {
      ok: false,
      reason: 'invalid',
    })
  })

  it('answers missing for an absent token and invalid for malformed ones, never throwing', () => {
    for (const t of [undefined, null, ''])
      assert.deepEqual(verifyToken(SECRET, SALT, t), { ok: false, reason: 'missing' })
    for (const t of [42, {}, ['a.b'], 'abc', '.', 'a.', '.a', 'a.b.c', 'x'.repeat(20_000), '€.€']) {
      assert.deepEqual(
        verifyToken(SECRET, SALT, t),
        { ok: false, reason: 'invalid' },
        JSON.stringify(t),
      )
    }
  })

  it('refuses configuration mistakes loudly', () => {
    const isConfig = (e: unknown): boolean =>
      e instanceof ServerError && e.code === 'INVALID_CONFIG'
    assert.throws(() => signToken('short', SALT, 1), isConfig)
    assert.throws(() => verifyToken('short', SALT, 'a.b'), isConfig)
    assert.throws(() => verifyToken(SECRET, SALT, 'a.b', { maxAge: Number.NaN }), isConfig)
    assert.throws(
      () => signToken(SECRET, SALT, { n: 1n }),
      (e: unknown) => e instanceof ServerError && e.code === 'INVALID_PAYLOAD',
    )
  })
})
