// docs/channels.md's first example (chat/server.ts) run as written, then driven with the
// official phoenix client the way the guide's client snippet does: a join answered with the
// user's name, a message broadcast to the room with its sender, and the refusals it shows.

import assert from 'node:assert/strict'
import { after, before, it } from 'node:test'
import { within } from '@plume/testkit'
import { Socket, type Channel } from '@plume/testkit/phoenix'
import { WebSocket } from 'ws'
import {
  startGuideServer,
  writeGuideApp,
  type GuideApp,
  type GuideServer,
} from './guide-support.js'

let app: GuideApp | undefined
let server: GuideServer | undefined

before(async () => {
  app = await writeGuideApp('docs/channels.md', 'chat')
  server = await startGuideServer([
    '--conditions=source',
    '--import',
    'tsx',
    `${app.folder}/server.ts`,
  ])
})

after(async () => {
  server?.stop()
  await app?.remove()
})

function connect(user: string): Socket {
  const socket = new Socket(`${(server as GuideServer).base.replace('http', 'ws')}/socket`, {
    transport: WebSocket,
    params: { user },
  })
  socket.connect()
  return socket
}

function reply(push: ReturnType<Channel['push']>, label: string): Promise<[string, unknown]> {
  return within(
    new Promise((resolve) => {
      push.receive('ok', (r: unknown) => resolve(['ok', r]))
      push.receive('error', (r: unknown) => resolve(['error', r]))
    }),
    label,
  )
}

it("the guide's chat room joins, broadcasts with the sender's name and refuses", async (t) => {
  const alice = connect('alice')
  const bob = connect('bob')
  t.after(() => [alice, bob].forEach((s) => s.disconnect()))
  const aliceRoom = alice.channel('room:lobby')
  const bobRoom = bob.channel('room:lobby')
  assert.deepEqual(await reply(aliceRoom.join(), 'alice joins'), ['ok', { you: 'alice' }])
  assert.deepEqual(await reply(bobRoom.join(), 'bob joins'), ['ok', { you: 'bob' }])
  const heard = within(new Promise((resolve) => bobRoom.on('new_msg', resolve)), 'bob hears')
  assert.deepEqual(await reply(aliceRoom.push('new_msg', { body: 'hi' }), 'sent'), ['ok', {}])
  assert.deepEqual(await heard, { user: 'alice', body: 'hi' })
  const empty = aliceRoom.push('new_msg', { body: '' })
  assert.deepEqual(await reply(empty, 'empty'), ['error', { reason: 'empty' }])
  const secret = alice.channel('room:secret')
  const refused = await reply(secret.join(), 'secret join')
  secret.leave()
  assert.deepEqual(refused, ['error', { reason: 'unauthorized' }])
  const opened = bob.channel('room:secret', { password: 'open sesame' })
  assert.deepEqual(await reply(opened.join(), 'secret with password'), ['ok', { you: 'bob' }])
})

it('the guide refuses a connection without a user (connect returns false)', async () => {
  const url = `${(server as GuideServer).base.replace('http', 'ws')}/socket/websocket?vsn=2.0.0`
  const ws = new WebSocket(url)
  ws.on('error', () => {}) // the refusal also surfaces as an error event
  const status = await within(
    new Promise<number | undefined>((resolve) =>
      ws.on('unexpected-response', (_req, res) => resolve(res.statusCode)),
    ),
    'the handshake answer',
  )
  assert.equal(status, 403)
})
