// The README quick start, verbatim apart from port 0, driven by the official client.

import assert from 'node:assert/strict'
import { it } from 'node:test'
import { Socket } from '@plume/testkit/phoenix'
import { WebSocket } from 'ws'
import { Endpoint, ok, error, reply, noReply, type ChannelHandler } from '@plume/server'
import { within } from '@plume/testkit'
import { captureLogger } from './helpers.js'

it('README quick start works with the official client', async () => {
  type Assigns = { user: string }

  const RoomChannel: ChannelHandler<Assigns> = {
    join(topic, _params, ch) {
      if (topic === 'room:secret') return error({ reason: 'unauthorized' })
      ch.send('after_join')
      return ok({ welcome: ch.assigns.user })
    },
    async handleIn(event, payload, ch) {
      if (event === 'new_msg') {
        await ch.broadcast('new_msg', { user: ch.assigns.user, body: payload })
        return reply('ok')
      }
      return noReply()
    },
    handleInfo(message, ch) {
      if (message === 'after_join') ch.push('hello', { topic: ch.topic })
    },
  }

  const endpoint = new Endpoint({ logger: captureLogger() })
  endpoint.socket<Assigns>('/socket', {
    connect: (params) => (params['token'] ? { user: params['token'] } : false),
    id: (assigns) => `user_socket:${assigns.user}`,
    channels: [['room:*', RoomChannel]],
    longpoll: true,
  })
  const { url } = await endpoint.listen({ port: 0, host: '127.0.0.1' })

  const socket = new Socket(`${url.replace('http', 'ws')}/socket`, {
    transport: WebSocket,
    params: { token: 'ann' },
  })
  socket.connect()
  const channel = socket.channel('room:lobby')
  const hello = within(new Promise((resolve) => channel.on('hello', resolve)), 'hello')
  const joined = within(new Promise((resolve) => channel.join().receive('ok', resolve)), 'join')
  assert.deepEqual(await joined, { welcome: 'ann' })
  assert.deepEqual(await hello, { topic: 'room:lobby' })
  const msg = within(new Promise((resolve) => channel.on('new_msg', resolve)), 'new_msg')
  channel.push('new_msg', { text: 'hi' })
  assert.deepEqual(await msg, { user: 'ann', body: { text: 'hi' } })
  const refused = socket.channel('room:secret')
  const why = within(new Promise((resolve) => refused.join().receive('error', resolve)), 'refused')
  assert.deepEqual(await why, { reason: 'unauthorized' })
  socket.disconnect()
  await endpoint.close()
})
