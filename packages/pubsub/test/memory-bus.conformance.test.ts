// The shipped adapter conformance suite, run against MemoryBus (three nodes on one bus).

import { MemoryBus } from '@plume/pubsub'
import { runAdapterConformance } from '@plume/pubsub/testing'

runAdapterConformance('MemoryBus', async () => {
  const bus = new MemoryBus()
  return {
    adapters: [bus.adapter('alpha'), bus.adapter('beta'), bus.adapter('gamma')],
    teardown: async () => {},
    settle: () => bus.settle(),
  }
})
