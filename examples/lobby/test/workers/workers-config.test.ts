// WORKERS parsing and the primary's restart policy: plain functions, no processes.
import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import { RestartPolicy } from '../../src/restart-policy.js'
import { MAX_WORKERS, readWorkers } from '../../src/workers-config.js'

describe('WORKERS', () => {
  const cores = () => 6
  it('defaults to 1, takes integers and auto (one per core)', () => {
    assert.equal(readWorkers({}, cores), 1)
    assert.equal(readWorkers({ WORKERS: ' 3 ' }, cores), 3)
    assert.equal(readWorkers({ WORKERS: 'AUTO' }, cores), 6)
    assert.equal(
      readWorkers({ WORKERS: 'auto' }, () => 10_000),
      MAX_WORKERS,
    )
  })

  it('refuses anything else with a message naming the variable', () => {
    for (const WORKERS of ['0', '-1', '2.5', 'two', String(MAX_WORKERS + 1)]) {
      assert.throws(() => readWorkers({ WORKERS }, cores), {
        code: 'INVALID_CONFIG',
        message: new RegExp(`WORKERS must be auto or an integer 1\\.\\.${MAX_WORKERS}`),
      })
    }
  })
})

describe('RestartPolicy', () => {
  it('allows restarts until too many fall in the window, then again once they age out', () => {
    const policy = new RestartPolicy({ maxRestarts: 2, windowMs: 1000 })
    assert.equal(policy.allow(0), true)
    assert.equal(policy.allow(100), true)
    assert.equal(policy.allow(200), false)
    assert.equal(policy.allow(1050), true, 'the first restart has left the window')
  })
})
