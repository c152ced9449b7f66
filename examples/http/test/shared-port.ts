// The checks every framework example passes (node:http here, Express and Fastify import this
// file): on one port, the official phoenix.js client joins and talks over WebSocket and over
// long-poll, and the framework's own routes — a JSON route and its 404 — still answer.
import assert from 'node:assert/strict'
import { after, before, it } from 'node:test'
import { within } from '@plume/testkit'
import { LongPoll, Socket } from '@plume/testkit/phoenix'
import type { Channel } from '@plume/testkit/phoenix'
import { WebSocket } from 'ws'

/** A started example: its base URL and how to stop it. */
export interface Started {
  readonly url: string
  close(): Promise<void>
}

function joined(socket: Socket, topic: string): Promise<Channel> {
  const channel = socket.channel(topic, {})
  return within(
    new Promise((resolve, reject) => {
      channel
        .join()
        .receive('ok', () => resolve(channel))
        .receive('error', (r: unknown) => reject(new Error(`join refused: ${JSON.stringify(r)}`)))
    }),
    `join ${topic}`,
  )
}

function pinged(channel: Channel, payload: object): Promise<unknown> {
  return within(
    new Promise((resolve, reject) => {
      channel
        .push('ping', payload)
        .receive('ok', resolve)
        .receive('error', (r: unknown) => reject(new Error(`ping failed: ${JSON.stringify(r)}`)))
    }),
    'ping reply',
  )
}

/** Starts the example before the tests and stops it (and every client) after them. */
function harness(start: () => Promise<Started>) {
  let example: Started | undefined
  const sockets: Socket[] = []
  before(async () => {
    example = await start()
  })
  after(async () => {
    for (const socket of sockets) socket.disconnect()
    await example?.close()
  })
  const url = (): string => example?.url ?? assert.fail('the example did not start')
  /** A phoenix.js socket to the example over long-poll or WebSocket, connected. */
  const connect = (longpoll: boolean): Socket => {
    const base = longpoll ? url() : url().replace('http', 'ws')
    const socket = new Socket(`${base}/socket`, {
      transport: longpoll ? LongPoll : WebSocket,
      reconnectAfterMs: () => 50,
    })
    sockets.push(socket)
    socket.connect()
    return socket
  }
  return { url, connect }
}

/** Registers the shared-port tests against the example `start` returns. */
export function sharedPortTests(start: () => Promise<Started>, notFoundBody: RegExp): void {
  const { url, connect } = harness(start)

  it('a normal route still answers on the shared port', async () => {
    const response = await fetch(`${url()}/health`)
    assert.equal(response.status, 200)
    assert.deepEqual(await response.json(), { status: 'ok' })
  })

  it("an unknown route gets the framework's own 404", async () => {
    const response = await fetch(`${url()}/nowhere`)
    assert.equal(response.status, 404)
    assert.match(await response.text(), notFoundBody)
  })

  it('phoenix.js joins over WebSocket and gets its ping answered', async () => {
    const channel = await joined(connect(false), 'room:ws')
    assert.deepEqual(await pinged(channel, { n: 1 }), { n: 1 })
  })

  it('phoenix.js joins over long-poll through the same port', async () => {
    const channel = await joined(connect(true), 'room:lp')
    assert.deepEqual(await pinged(channel, { n: 2 }), { n: 2 })
  })

  it('a shout reaches a WebSocket client and a long-poll client in the same room', async () => {
    const a = await joined(connect(false), 'room:x')
    const b = await joined(connect(true), 'room:x')
    const heard = (c: Channel) => within(new Promise((resolve) => c.on('shout', resolve)), 'shout')
    const both = Promise.all([heard(a), heard(b)])
    a.push('shout', { body: 'hi' })
    assert.deepEqual(await both, [{ body: 'hi' }, { body: 'hi' }])
  })
}
