// Claim TTLs Redis or Node timers cannot honour are refused up front.
// A fractional claimTtlMs used to pass the constructor and fail start() with a raw Redis
// "value is not an integer" reply; a huge one made the renewal timer fire every 1 ms.
// commandTimeoutMs and closeTimeoutMs follow the same rule.
import { describe, it } from 'node:test'
import assert from 'node:assert/strict'
import { RedisAdapter } from '@plume/pubsub-redis'
import { isCode } from '@plume/testkit/pubsub'

void describe('RedisAdapter claimTtlMs validation', () => {
  for (const claimTtlMs of [1500.5, 2 ** 31, 1e10]) {
    void it(`refuses claimTtlMs ${claimTtlMs} with INVALID_ARGUMENT`, () => {
      assert.throws(
        () => new RedisAdapter({ nodeName: 'a', claimTtlMs }),
        isCode('INVALID_ARGUMENT'),
      )
    })
  }

  void it('still accepts a whole number of milliseconds', () => {
    assert.equal(new RedisAdapter({ nodeName: 'a', claimTtlMs: 1500 }).nodeName, 'a')
  })

  // The silent-connection bounds are timers too (silent-connection-bounds.test.ts).
  for (const name of ['commandTimeoutMs', 'closeTimeoutMs'] as const) {
    for (const value of [0, -1, 250.5, Number.NaN, 2 ** 31]) {
      void it(`refuses ${name} ${value} with INVALID_ARGUMENT`, () => {
        assert.throws(
          () => new RedisAdapter({ nodeName: 'a', [name]: value }),
          (error: unknown) => isCode('INVALID_ARGUMENT')(error) && String(error).includes(name),
        )
      })
    }
    void it(`accepts a whole ${name}`, () => {
      assert.equal(new RedisAdapter({ nodeName: 'a', [name]: 1 }).nodeName, 'a')
    })
  }
})
