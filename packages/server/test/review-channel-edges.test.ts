// Review regressions on channel edges: a channel class whose constructor throws answers the
// join with "join crashed" (the connection keeps working), and a join still pending when the
// socket closes leaves no subscriptions behind, whatever it registers after the close.

import assert from 'node:assert/strict'
import { after, before, it } from 'node:test'
import { waitFor, within } from '@plume/testkit'
import { ok, reply, type ChannelHandler, type Endpoint } from '@plume/server'
import { RawClient, startEndpoint } from './helpers.js'

let endpoint: Endpoint
let wsUrl: string
let releaseJoin: () => void = () => {}
let joinEntered: () => void = () => {}
const hooks: string[] = []

class Broken implements ChannelHandler {
  constructor() {
    throw new Error('constructor boom')
  }
  join() {
    return ok()
  }
}

const Slow: ChannelHandler = {
  async join(topic, _params, ch) {
    ch.onTerminate((reason) => hooks.push(`early:${JSON.stringify(reason)}`))
    joinEntered()
    await new Promise<void>((resolve) => (releaseJoin = resolve))
    ch.subscribe(`side:${topic}`)
    ch.onTerminate((reason) => hooks.push(`late:${JSON.stringify(reason)}`))
    return ok()
  },
}

const Echo: ChannelHandler = { join: () => ok(), handleIn: () => reply('ok') }

before(async () => {
  ;({ endpoint, wsUrl } = await startEndpoint({
    channels: [
      ['broken', Broken],
      ['slow:*', Slow],
      ['echo', Echo],
    ],
  }))
})
after(() => endpoint.close())

it('answers "join crashed" when the channel class constructor throws', async () => {
  const c = await RawClient.open(`${wsUrl}?vsn=2.0.0`)
  const j = c.join('broken')
  const answer = await c.reply(j)
  assert.deepEqual(answer, [
    j,
    j,
    'broken',
    'phx_reply',
    { status: 'error', response: { reason: 'join crashed' } },
  ])
  // The connection still serves joins afterwards.
  const e = c.join('echo')
  assert.deepEqual((await c.reply(e))[4], { status: 'ok', response: {} })
  await c.close()
})

it('a join pending at socket close releases everything it registers', async () => {
  const entered = new Promise<void>((resolve) => (joinEntered = resolve))
  const baseline = endpoint.connectionCount
  const c = await RawClient.open(`${wsUrl}?vsn=2.0.0`)
  c.join('slow:1')
  await within(entered, 'join entered')
  await c.close()
  await waitFor('connection gone', () => endpoint.connectionCount === baseline)
  releaseJoin()
  await waitFor('late hook', () => hooks.length === 2, { describe: () => hooks })
  assert.deepEqual(hooks, ['early:"closed"', 'late:"closed"'])
  assert.equal(endpoint.pubsub.subscriberCount('side:slow:1'), 0)
  assert.equal(endpoint.pubsub.subscriberCount('slow:1'), 0)
})
