// A Fastify app and the endpoint share one port.
import { describe } from 'node:test'
import { createFastifyExample } from '../src/server.js'
// The framework examples pass the same checks; they live beside the node:http example.
import { sharedPortTests } from '../../http/test/shared-port.js'

describe('Fastify example', () => {
  sharedPortTests(async () => {
    const example = createFastifyExample()
    return { url: await example.listen(), close: () => example.close() }
  }, /Route GET:\/nowhere not found/)
})
