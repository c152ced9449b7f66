// The shipped adapter conformance suite against ClusterAdapter in three real forked
// workers: this test process is the cluster primary and runs the hub; each case asks every
// worker for a fresh adapter with a fresh node name, and PubSub traffic crosses the IPC
// channel through the hub as in production (see support/worker-proxy.ts).

import type { Worker } from 'node:cluster'
import { after, before, describe } from 'node:test'
import { runAdapterConformance } from '@plume/pubsub/testing'
import { startClusterHub, type ClusterHub } from '@plume/pubsub-cluster'
import { forkWorkers, stopWorker, supportFile } from './support/fork.js'
import { WorkerAdapterProxy } from './support/worker-proxy.js'

void describe('ClusterAdapter conformance in forked workers', () => {
  let hub: ClusterHub
  let workers: Worker[] = []
  let cases = 0

  before(async () => {
    hub = startClusterHub()
    workers = await forkWorkers(3, supportFile('conformance-worker.ts'))
  })
  after(async () => {
    await Promise.all(workers.map((w) => stopWorker(w)))
    hub.stop()
  })

  runAdapterConformance('ClusterAdapter', async () => {
    const n = ++cases
    const proxies = workers.map((w, i) => new WorkerAdapterProxy(w, `node-${i}-case-${n}`))
    await Promise.all(proxies.map((p) => p.create()))
    const [a, b, c] = proxies
    return {
      adapters: [a!, b!, c!],
      teardown: async () => proxies.forEach((p) => p.detach()),
    }
  })
})
