// The ordered pipeline behind presence diffs: concurrent work, results released strictly in
// submission order, failures reported without stalling it or escaping as unhandled rejections.
import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import { OrderedQueue } from '../src/presence/ordered-queue.js'
import { deferred, turn } from './presence-support.js'

describe('OrderedQueue', () => {
  it('starts work at once and emits in submission order', async () => {
    const queue = new OrderedQueue(() => assert.fail('no error expected'))
    const gates = [deferred<string>(), deferred<string>(), deferred<string>()]
    const started: number[] = []
    const emitted: string[] = []
    gates.forEach((gate, i) =>
      queue.push(
        () => {
          started.push(i)
          return gate.promise
        },
        (v) => emitted.push(v),
      ),
    )
    await turn()
    assert.deepEqual(started, [0, 1, 2])
    gates[2]!.resolve('c')
    gates[1]!.resolve('b')
    await turn()
    assert.deepEqual(emitted, [])
    gates[0]!.resolve('a')
    await queue.idle()
    assert.deepEqual(emitted, ['a', 'b', 'c'])
  })

  it('a step failing while an earlier one is pending is reported, not unhandled', async () => {
    const unhandled: unknown[] = []
    const onUnhandled = (reason: unknown): void => void unhandled.push(reason)
    process.on('unhandledRejection', onUnhandled)
    try {
      const errors: unknown[] = []
      const queue = new OrderedQueue((e) => errors.push(e))
      const first = deferred<string>()
      const emitted: string[] = []
      queue.push(
        () => first.promise,
        (v) => emitted.push(v),
      )
      queue.push(
        () => Promise.reject(new Error('boom')),
        (v: string) => emitted.push(v),
      )
      queue.push(
        () => 'c',
        (v) => emitted.push(v),
      )
      await turn()
      await turn()
      first.resolve('a')
      await queue.idle()
      assert.deepEqual(unhandled, [])
      assert.deepEqual(emitted, ['a', 'c'])
      assert.deepEqual(
        errors.map((e) => (e as Error).message),
        ['boom'],
      )
    } finally {
      process.off('unhandledRejection', onUnhandled)
    }
  })

  it('a throwing error handler does not stall the queue', async () => {
    const queue = new OrderedQueue(() => {
      throw new Error('handler boom')
    })
    const emitted: string[] = []
    queue.push(
      () => Promise.reject(new Error('boom')),
      (v: string) => emitted.push(v),
    )
    queue.push(
      () => 'b',
      (v) => emitted.push(v),
    )
    await queue.idle()
    assert.deepEqual(emitted, ['b'])
  })
})
