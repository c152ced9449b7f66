// Dashboard misconfiguration gets clear errors: a missing authorize check or a bad path at
// construction, and a missing client bundle as a 500 naming the fix instead of a crash.
import assert from 'node:assert/strict'
import { after, before, describe, it } from 'node:test'
import { Dashboard, type DashboardOptions } from '@plume/ops'
import { startNode, type OpsNode } from './support.js'

describe('Dashboard options', () => {
  let node: OpsNode

  before(async () => {
    node = await startNode('opts', {
      dashboard: { authorize: () => true, clientBundle: '/nonexistent/plume.min.js' },
    })
  })
  after(() => node.close())

  it('requires an authorize check and a well-formed path', () => {
    const base = { endpoint: node.endpoint, tracker: node.tracker }
    assert.throws(
      () => new Dashboard(base as unknown as DashboardOptions),
      /authorize\(req\) is required/,
    )
    assert.throws(
      () => new Dashboard({ ...base, authorize: () => true, path: 'admin/' }),
      /path must start with '\/' and not end with one/,
    )
    assert.throws(
      () => new Dashboard({ ...base, authorize: () => true, intervalMs: 0 }),
      /intervalMs must be a positive integer/,
    )
  })

  it('answers 500 naming the missing client bundle, and keeps serving', async () => {
    for (let i = 0; i < 2; i++) {
      const res = await fetch(`${node.url}/dashboard/`)
      assert.equal(res.status, 500)
      assert.match(await res.text(), /cannot read @plume\/client's bundle \(npm run build\)/)
    }
    assert.equal((await fetch(`${node.url}/metrics`)).status, 200)
  })
})
