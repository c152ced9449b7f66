// An Express app and the endpoint share one port.
import { describe } from 'node:test'
import { createExpressExample } from '../src/server.js'
// The framework examples pass the same checks; they live beside the node:http example.
import { sharedPortTests } from '../../http/test/shared-port.js'

describe('Express example', () => {
  sharedPortTests(async () => {
    const example = createExpressExample()
    return { url: await example.listen(), close: () => example.close() }
  }, /Cannot GET \/nowhere/)
})
