// The channel actor: callbacks of one channel never interleave, ownerId / onTerminate for
// Presence, ch.subscribe for extra topics, assigns copied per channel.

import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import { noReply, ok, reply, type ChannelContext, type ChannelHandler } from '@plume/server'
import { within } from '@plume/testkit'
import { RawClient, startEndpoint } from './helpers.js'

describe('channel actor', () => {
  it('never interleaves callbacks of one channel, even when async', async () => {
    const order: string[] = []
    let release: () => void = () => {}
    const Slow: ChannelHandler = {
      join: () => ok(),
      async handleIn(event) {
        order.push(`start ${event}`)
        if (event === 'slow') await new Promise<void>((r) => (release = r))
        order.push(`end ${event}`)
        return reply('ok')
      },
      handleInfo(message) {
        order.push(`info ${String(message)}`)
        return undefined
      },
    }
    const { endpoint, wsUrl } = await startEndpoint({ channels: [['slow', Slow]] })
    const c = await RawClient.open(`${wsUrl}?vsn=2.0.0`)
    const j = c.join('slow')
    await c.reply(j)
    c.send([j, '2', 'slow', 'slow', {}])
    c.send([j, '3', 'slow', 'fast', {}])
    await within(
      (async () => {
        while (order.length === 0) await new Promise((r) => setImmediate(r))
      })(),
      'slow started',
    )
    await endpoint.broadcast('unrelated', 'x', {})
    release()
    await c.reply('3')
    assert.deepEqual(order, ['start slow', 'end slow', 'start fast', 'end fast'])
    await c.close()
    await endpoint.close()
  })

  it('exposes ownerId, runs onTerminate hooks (also on crash), delivers ch.subscribe messages to handleInfo', async () => {
    const owners: string[] = []
    const hooks: unknown[] = []
    const infos: unknown[] = []
    const Chan: ChannelHandler<{ user: string }> = {
      join(_t, _p, ch: ChannelContext<{ user: string }>) {
        owners.push(ch.ownerId)
        ch.assign('user', `${ch.assigns.user}!`)
        ch.onTerminate((reason) => hooks.push(reason))
        ch.subscribe('side:topic')
        return ok({ user: ch.assigns.user })
      },
      handleIn(event, _payload, ch) {
        if (event === 'crash') throw new Error('boom')
        return reply('ok', { user: ch.assigns.user })
      },
      handleInfo(message) {
        infos.push(message)
        return noReply()
      },
    }
    const { endpoint, wsUrl } = await startEndpoint({
      connect: () => ({ user: 'ann' }),
      channels: [['c:*', Chan]],
    })
    const c = await RawClient.open(`${wsUrl}?vsn=2.0.0`)
    const a = c.join('c:a')
    assert.deepEqual((await c.reply(a))[4], { status: 'ok', response: { user: 'ann!' } })
    const b = c.join('c:b')
    await c.reply(b)
    assert.equal(owners.length, 2)
    assert.notEqual(owners[0], owners[1])
    assert.match(owners[0] ?? '', new RegExp(`^${endpoint.nodeName}:\\d+:1$`))
    await endpoint.pubsub.broadcast('side:topic', { hello: 'side' })
    await within(
      (async () => {
        while (infos.length < 2) await new Promise((r) => setImmediate(r))
      })(),
      'infos',
    )
    assert.deepEqual(infos, [{ hello: 'side' }, { hello: 'side' }])
    c.send([a, '9', 'c:a', 'crash', {}])
    await c.take((m) => m[3] === 'phx_error')
    assert.equal(hooks.length, 1)
    assert.ok(typeof hooks[0] === 'object' && hooks[0] !== null && 'crash' in hooks[0])
    await c.close()
    await within(
      (async () => {
        while (hooks.length < 2) await new Promise((r) => setImmediate(r))
      })(),
      'hooks on close',
    )
    assert.equal(hooks[1], 'closed')
    await endpoint.close()
  })
})
