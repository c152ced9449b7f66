// The dependency-free base64 used for binary frames in long-poll ndjson bodies, checked
// against Node's Buffer as the reference implementation.

import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import fc from 'fast-check'
import { base64ToBytes, bytesToBase64 } from '@plume/protocol'

describe('base64', () => {
  it('encodes like btoa / Buffer (with padding)', () => {
    assert.equal(bytesToBase64(new Uint8Array()), '')
    assert.equal(bytesToBase64(Uint8Array.from([0xff])), '/w==')
    assert.equal(bytesToBase64(Uint8Array.from([0xfb, 0xff])), '+/8=')
    assert.equal(bytesToBase64(new TextEncoder().encode('abc')), 'YWJj')
  })

  it('decodes with or without padding', () => {
    assert.deepEqual(base64ToBytes('/w=='), Uint8Array.from([0xff]))
    assert.deepEqual(base64ToBytes('/w'), Uint8Array.from([0xff]))
    assert.deepEqual(base64ToBytes('+/8='), Uint8Array.from([0xfb, 0xff]))
    assert.deepEqual(base64ToBytes(''), new Uint8Array())
  })

  it('rejects characters outside the standard alphabet and impossible lengths', () => {
    for (const bad of ['a-b_', 'ab c', 'abcde', 'ab=', 'a===', '$$$$']) {
      assert.throws(() => base64ToBytes(bad), { code: 'INVALID_BASE64' }, bad)
    }
  })

  it('agrees with Buffer for random bytes (property)', () => {
    const seed = Number(process.env['FC_SEED'] ?? Date.now() % 2 ** 31)
    console.log(`base64 property seed=${seed}`)
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 64 }), (data) => {
        const text = bytesToBase64(data)
        assert.equal(text, Buffer.from(data).toString('base64'))
        assert.deepEqual(base64ToBytes(text), data)
      }),
      { seed, numRuns: 300 },
    )
  })
})
