// The bounded waits: waitFor polls until a (sync or async) predicate holds and names what it
// waited for on timeout; within races a promise against a deadline and clears its timer.
import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import { elapsed, freePort, TestkitError, waitFor, within } from '@plume/testkit'

const timeout = (label: RegExp) => (error: unknown) =>
  error instanceof TestkitError && error.code === 'TIMEOUT' && label.test(error.message)

void describe('waitFor', () => {
  void it('resolves once the predicate holds, checking again between pauses', async () => {
    let calls = 0
    await waitFor('the third check', () => ++calls === 3, { intervalMs: 1 })
    assert.equal(calls, 3)
  })

  void it('accepts an async predicate', async () => {
    let calls = 0
    await waitFor('async', async () => ++calls > 1, { intervalMs: 1 })
    assert.equal(calls, 2)
  })

  void it('rejects with the label and the last snapshot after the timeout', async () => {
    const started = performance.now()
    await assert.rejects(
      waitFor('never', () => false, { timeoutMs: 30, describe: () => ({ seen: 1 }) }),
      timeout(/after 30 ms waiting for never \(last seen: \{"seen":1\}\)/),
    )
    assert.ok(elapsed(started) >= 30)
  })
})

void describe('within', () => {
  void it('passes through the value of a promise that settles in time', async () => {
    assert.equal(await within(Promise.resolve(7), 'seven'), 7)
  })

  void it('passes through a rejection that comes in time', async () => {
    await assert.rejects(within(Promise.reject(new Error('boom')), 'boom'), /boom/)
  })

  void it('rejects with the label when the promise is too slow', async () => {
    await assert.rejects(within(new Promise(() => {}), 'a reply', 20), timeout(/a reply/))
  })
})

void describe('freePort', () => {
  void it('returns a bindable loopback port', async () => {
    const port = await freePort()
    assert.ok(Number.isInteger(port) && port > 0 && port < 65536)
  })
})
