// Presence through real channels and a raw WebSocket client (V2 frames): presence_state after
// join, presence_diff for track, update, untrack, socket close and channel crash, and the
// error a channel gets from update without a presence.
import assert from 'node:assert/strict'
import { after, before, describe, it } from 'node:test'
import { silentLogger } from '@plume/pubsub'
import { ManualScheduler, Tracker, TrackerError } from '@plume/tracker'
import { noReply, ok, reply, Presence, type ChannelHandler, type Endpoint } from '@plume/server'
import { RawClient, startEndpoint, type Wire } from './helpers.js'

const TOPIC = 'room:lobby'
let endpoint: Endpoint
let presence: Presence
let wsUrl: string
const clients: RawClient[] = []

const Room: ChannelHandler<{ user: string }> = {
  join(_topic, _params, ch) {
    ch.send('after_join')
    return ok()
  },
  async handleInfo(message, ch) {
    if (message !== 'after_join') return noReply()
    ch.push('presence_state', await presence.list(ch))
    presence.track(ch, ch.assigns.user, { online: true })
    return noReply()
  },
  handleIn(event, payload, ch) {
    switch (event) {
      case 'update':
        return reply('ok', {
          ref: presence.update(ch, ch.assigns.user, payload as Record<string, unknown>),
        })
      case 'untrack':
        presence.untrack(ch, ch.assigns.user)
        return reply('ok')
      case 'update_missing':
        try {
          presence.update(ch, 'nobody', {})
          return reply('ok')
        } catch (error) {
          return reply('error', { code: error instanceof TrackerError ? error.code : 'unknown' })
        }
      default:
        throw new Error(`crash on ${event}`)
    }
  },
}

before(async () => {
  const started = await startEndpoint({
    connect: (params) => ({ user: params['user'] ?? 'anon' }),
    channels: [['room:*', Room]],
  })
  endpoint = started.endpoint
  wsUrl = started.wsUrl
  const tracker = new Tracker({
    pubsub: endpoint.pubsub,
    scheduler: new ManualScheduler(),
    logger: silentLogger,
  })
  presence = new Presence({ tracker, sink: endpoint, logger: silentLogger })
  await presence.start()
})

after(async () => {
  for (const c of clients) await c.close()
  await presence.stop()
  await endpoint.close()
})

async function joined(
  user: string,
): Promise<{ client: RawClient; state: Record<string, unknown> }> {
  const client = await RawClient.open(`${wsUrl}?vsn=2.0.0&user=${user}`)
  clients.push(client)
  const ref = client.join(TOPIC)
  assert.equal(((await client.reply(ref))[4] as { status: string }).status, 'ok')
  const state = await client.take((m) => m[3] === 'presence_state', 'presence_state')
  return { client, state: state[4] as Record<string, unknown> }
}

type Entry = { metas: Array<Record<string, unknown>> }
type Diff = { joins: Record<string, Entry>; leaves: Record<string, Entry> }

/** The client's first unread presence_diff (matching `pred`). */
function diff(
  client: RawClient,
  label: string,
  pred: (d: Diff) => boolean = () => true,
): Promise<Diff> {
  return client
    .take((m: Wire) => m[3] === 'presence_diff' && pred(m[4] as Diff), label)
    .then((m) => m[4] as Diff)
}

function send(client: RawClient, event: string, payload: object = {}): Promise<Wire> {
  const ref = client.nextRef()
  client.send(['1', ref, TOPIC, event, payload])
  return client.reply(ref)
}

describe('Presence over channels', () => {
  it('tracks, updates, untracks and leaves on close and crash, as clients see it', async () => {
    const alice = await joined('alice')
    assert.deepEqual(alice.state, {})
    const aliceJoin = await diff(alice.client, 'alice sees her own join')
    assert.deepEqual(Object.keys(aliceJoin.joins), ['alice'])
    assert.deepEqual(aliceJoin.leaves, {})

    const bob = await joined('bob')
    assert.deepEqual(Object.keys(bob.state), ['alice'])
    const bobJoin = await diff(alice.client, 'alice sees bob join')
    assert.deepEqual([Object.keys(bobJoin.joins), bobJoin.leaves], [['bob'], {}])
    await diff(bob.client, 'bob sees his own join')

    const oldRef = aliceJoin.joins['alice']?.metas[0]?.['phx_ref']
    const updated = await send(alice.client, 'update', { status: 'away' })
    const newRef = (updated[4] as { response: { ref: string } }).response.ref
    const upd = await diff(bob.client, 'bob sees the update')
    assert.deepEqual(upd, {
      joins: { alice: { metas: [{ status: 'away', phx_ref: newRef, phx_ref_prev: oldRef }] } },
      leaves: { alice: { metas: [{ online: true, phx_ref: oldRef }] } },
    })

    const missing = await send(alice.client, 'update_missing')
    assert.deepEqual(missing[4], { status: 'error', response: { code: 'NO_PRESENCE' } })

    await send(alice.client, 'untrack')
    const untracked = await diff(bob.client, 'bob sees alice untrack')
    assert.deepEqual([untracked.joins, Object.keys(untracked.leaves)], [{}, ['alice']])

    const carol = await joined('carol')
    await diff(bob.client, 'bob sees carol join')
    await carol.client.close()
    const closed = await diff(bob.client, 'bob sees carol leave on close')
    assert.deepEqual([closed.joins, Object.keys(closed.leaves)], [{}, ['carol']])

    bob.client.send(['1', bob.client.nextRef(), TOPIC, 'crash', {}])
    const crashed = await diff(
      alice.client,
      'alice sees bob leave on crash',
      (d) => 'bob' in d.leaves,
    )
    await presence.flushed()
    assert.deepEqual([crashed.joins, Object.keys(crashed.leaves)], [{}, ['bob']])
    assert.deepEqual(Object.keys(await presence.list(TOPIC)), [])
  })
})
