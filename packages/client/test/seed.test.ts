// The seed's presence code (seed-presence-guide.md) type-checks and runs against
// @plume/client with only the import changed; Node adds `transport` and a full URL
// (there is no global WebSocket or page location), and a DOM-free render target.
// The seed is untyped JS: its channel payloads are `any` by design.
/* eslint-disable @typescript-eslint/no-unsafe-argument */
import assert from 'node:assert/strict'
import { after, before, it } from 'node:test'
import { WebSocket } from 'ws'
import { Socket, Presence, type PresenceState, type TransportConstructor } from '@plume/client'
import { startServer, type TestServer } from './support/server.js'

let server: TestServer
before(async () => (server = await startServer()))
after(() => server.close())

it('runs the seed client code unchanged but for the import', async () => {
  const rendered: string[] = []
  const done = new Promise<void>((resolve) => {
    const socket = new Socket(server.base, {
      params: { user_id: 'Alice' },
      transport: WebSocket as unknown as TransportConstructor,
    })

    function renderOnlineUsers(presences: PresenceState) {
      let response = ''

      Presence.list(presences, (id, { metas: [_first, ...rest] }) => {
        const count = rest.length + 1
        response += `<br>${id} (count: ${count})</br>`
      })

      rendered.push(response)
      if (response.includes('Alice')) socket.disconnect(() => resolve())
    }

    socket.connect()

    let presences = {}

    const channel = socket.channel('room:lobby', {})

    channel.on('presence_state', (state) => {
      presences = Presence.syncState(presences, state)
      renderOnlineUsers(presences)
    })

    channel.on('presence_diff', (diff) => {
      presences = Presence.syncDiff(presences, diff)
      renderOnlineUsers(presences)
    })

    channel.join()
  })
  await done
  assert.equal(rendered.at(-1), '<br>Alice (count: 1)</br>')
})
