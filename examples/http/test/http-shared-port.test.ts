// A plain node:http server and the endpoint share one port.
import { describe } from 'node:test'
import { createHttpExample } from '../src/server.js'
import { sharedPortTests } from './shared-port.js'

describe('node:http example', () => {
  sharedPortTests(async () => {
    const example = createHttpExample()
    return { url: await example.listen(), close: () => example.close() }
  }, /^not found/)
})
