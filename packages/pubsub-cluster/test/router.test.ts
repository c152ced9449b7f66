// The primary's routing table: who receives a broadcast or a direct send, refusals of a
// taken name, and what a worker's exit or bye frees.

import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import { Router } from '../src/router.js'
import { TAG } from '../src/wire.js'

const hello = (node: string) => ({ plume: TAG, t: 'hello', node }) as const
const bye = (node: string) => ({ plume: TAG, t: 'bye', node }) as const
const pub = (from: string, to: string | null) =>
  ({ plume: TAG, t: 'pub', from, to, data: 'x' }) as const

function targets(out: ReturnType<Router['receive']>): Array<[number, string]> {
  return out.map(({ worker, msg }) => [worker, msg.t === 'msg' ? msg.node : msg.t])
}

function threeNodes(): Router {
  const r = new Router()
  r.receive(1, hello('a'))
  r.receive(2, hello('b'))
  r.receive(3, hello('c'))
  return r
}

describe('Router', () => {
  it('sends a broadcast to every node but the sender, in registration order', () => {
    assert.deepEqual(targets(threeNodes().receive(2, pub('b', null))), [
      [1, 'a'],
      [3, 'c'],
    ])
  })

  it('sends a direct message to its target only, itself included; unknown targets get nothing', () => {
    const r = threeNodes()
    assert.deepEqual(targets(r.receive(1, pub('a', 'c'))), [[3, 'c']])
    assert.deepEqual(targets(r.receive(1, pub('a', 'a'))), [[1, 'a']])
    assert.deepEqual(r.receive(1, pub('a', 'ghost')), [])
  })

  it('refuses a name another worker holds, and welcomes the same worker again', () => {
    const r = threeNodes()
    const [refused] = r.receive(2, hello('a'))
    assert.equal(
      refused?.msg.t === 'welcome' && refused.msg.error,
      'node name a is used by worker 1',
    )
    const [again] = r.receive(1, hello('a'))
    assert.deepEqual(again, { worker: 1, msg: { plume: TAG, t: 'welcome', node: 'a' } })
  })

  it('drops what a node sends after its bye, or under a name it does not hold', () => {
    const r = threeNodes()
    r.receive(1, bye('a'))
    assert.deepEqual(r.receive(1, pub('a', null)), [])
    assert.deepEqual(r.receive(2, pub('c', null)), [], 'worker 2 posing as c')
    assert.deepEqual(r.nodes, ['b', 'c'])
  })

  it("frees an exited worker's names for a new replica and stops routing to it", () => {
    const r = threeNodes()
    r.receive(3, hello('c2'))
    r.exited(3)
    assert.deepEqual(r.nodes, ['a', 'b'])
    assert.deepEqual(targets(r.receive(1, pub('a', null))), [[2, 'b']])
    assert.equal(r.receive(4, hello('c'))[0]?.msg.t, 'welcome')
    assert.deepEqual(targets(r.receive(1, pub('a', 'c'))), [[4, 'c']])
  })

  it('tells every worker with a port the full port table, and again when one exits', () => {
    const r = new Router()
    r.receive(1, { plume: TAG, t: 'port', port: 4001 })
    const out = r.receive(2, { plume: TAG, t: 'port', port: 4002 })
    const table = { plume: TAG, t: 'ports', ports: { '1': 4001, '2': 4002 } }
    assert.deepEqual(out, [
      { worker: 1, msg: table },
      { worker: 2, msg: table },
    ])
    assert.deepEqual(r.exited(1), [
      { worker: 2, msg: { plume: TAG, t: 'ports', ports: { '2': 4002 } } },
    ])
    assert.deepEqual(r.exited(7), [], 'a worker without a port changes nothing')
  })
})
