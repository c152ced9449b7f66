// The single-node subset of the conformance suite, run against LocalAdapter.

import { LocalAdapter } from '@plume/pubsub'
import { runSingleNodeConformance } from '@plume/pubsub/testing'

runSingleNodeConformance('LocalAdapter', async () => ({
  adapter: new LocalAdapter('solo'),
  teardown: async () => {},
}))
