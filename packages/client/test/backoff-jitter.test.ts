// The default reconnect and rejoin backoffs use full jitter: each delay is uniform in
// [0, step] with phoenix.js's steps, so the clients of a node that went away spread over the
// step instead of all arriving at the next node in the same millisecond.
import assert from 'node:assert/strict'
import { describe, it, type TestContext } from 'node:test'
import { defaultReconnectAfterMs, defaultRejoinAfterMs } from '../src/options.js'

const RECONNECT = [10, 50, 100, 150, 200, 250, 500, 1000, 2000, 5000, 5000]
const REJOIN = [1000, 2000, 5000, 10000, 10000]

// One mock per test: node:test restores a method mocked twice only to the first mock.
function withRandom(t: TestContext, value: number): (next: number) => void {
  const random = t.mock.method(Math, 'random', () => value)
  return (next) => random.mock.mockImplementation(() => next)
}

describe('default backoff jitter', () => {
  it('spans [0, step) of phoenix.js’s reconnect steps', (t) => {
    const setRandom = withRandom(t, 0)
    assert.deepEqual(
      RECONNECT.map((_, i) => defaultReconnectAfterMs(i + 1)),
      RECONNECT.map(() => 0),
    )
    setRandom(0.999999)
    RECONNECT.forEach((step, i) => {
      const delay = defaultReconnectAfterMs(i + 1)
      assert.ok(delay < step && delay > step * 0.99, `try ${i + 1}: ${delay} within [0, ${step})`)
    })
  })

  it('spans [0, step) of phoenix.js’s rejoin steps', (t) => {
    void withRandom(t, 0.5)
    assert.deepEqual(
      REJOIN.map((_, i) => defaultRejoinAfterMs(i + 1)),
      REJOIN.map((s) => s / 2),
    )
  })

  it('draws a new random delay on every try, so clients do not move in lockstep', () => {
    const delays = Array.from({ length: 200 }, () => defaultReconnectAfterMs(9))
    assert.ok(
      delays.every((d) => d >= 0 && d < 2000),
      'every delay within the step',
    )
    assert.ok(new Set(delays).size > 150, 'delays differ from one draw to the next')
    const mean = delays.reduce((a, b) => a + b, 0) / delays.length
    assert.ok(mean > 600 && mean < 1400, `mean ${mean} near half the step`)
  })
})
