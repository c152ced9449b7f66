// One client-side scenario, written against the phoenix.js API only, so the same code runs
// with @plume/client and with the official `phoenix` package (differential test). Each
// client records what it observes; the transcripts must match between implementations.
/* eslint-disable @typescript-eslint/no-explicit-any, @typescript-eslint/no-unsafe-call, @typescript-eslint/no-unsafe-member-access, @typescript-eslint/no-unsafe-assignment, @typescript-eslint/no-unsafe-return -- the scenario drives two untyped-compatible APIs */
import { Recorder } from './recorder.js'

/** The parts of a phoenix-compatible client the scenario uses. */
export interface ClientImpl {
  Socket: new (endPoint: string, opts?: Record<string, unknown>) => any
  Presence: {
    syncState(current: any, next: any): any
    syncDiff(current: any, diff: any): any
    list(presences: any, chooser: (id: string, p: any) => unknown): unknown[]
  }
}

export interface Client {
  socket: any
  channel: any
  rec: Recorder
}

/** Connects a socket as `user` and joins `topic`, recording replies, events and presence (seed style). */
export function joinAs(
  impl: ClientImpl,
  base: string,
  user: string,
  opts: Record<string, unknown>,
  topic = 'room:lobby',
): Client {
  const { Socket, Presence } = impl
  const rec = new Recorder()
  const socket = new Socket(base, {
    params: { user },
    reconnectAfterMs: () => 10,
    rejoinAfterMs: () => 10,
    ...opts,
  })
  socket.connect()
  const channel = socket.channel(topic, {})
  let presences = {}
  const render = (): void => {
    rec.add(
      'presence',
      Presence.list(presences, (id, { metas: [_first, ...rest] }) => `${id}:${rest.length + 1}`),
    )
  }
  channel.on('presence_state', (state: unknown) => {
    presences = Presence.syncState(presences, state)
    render()
  })
  channel.on('presence_diff', (diff: unknown) => {
    presences = Presence.syncDiff(presences, diff)
    render()
  })
  channel.on('shout', (payload: unknown) => rec.add('shout', payload))
  channel.onError(() => rec.add('channel_error'))
  channel.onClose(() => rec.add('channel_close'))
  channel
    .join()
    .receive('ok', (resp: unknown) => rec.add('join', 'ok', resp))
    .receive('error', (resp: unknown) => rec.add('join', 'error', resp))
  return { socket, channel, rec }
}

/** Pushes and records the reply (or timeout) as ['reply', event, status, response]. */
export function pushAndRecord(c: Client, event: string, payload: unknown): Promise<number> {
  const from = c.rec.entries.length
  const push = c.channel.push(event, payload)
  for (const status of ['ok', 'error', 'timeout']) {
    push.receive(status, (resp: unknown) => c.rec.add('reply', event, status, resp))
  }
  return c.rec.until((e) => e[0] === 'reply' && e[1] === event, `reply to ${event}`, from)
}

/** Disconnects and resolves once the socket reports it is closed. */
export function disconnect(c: Client): Promise<void> {
  return new Promise((resolve) => c.socket.disconnect(() => resolve()))
}

/**
 * The shared scenario: alice joins, pushes (ok, error), shouts; bob joins; bob's channel
 * crashes and rejoins; the server broadcasts; bob leaves. Returns both transcripts.
 */
export async function runScenario(
  impl: ClientImpl,
  base: string,
  opts: Record<string, unknown>,
  server: { broadcast(topic: string, event: string, payload: object): Promise<void> },
): Promise<{ alice: unknown[][]; bob: unknown[][] }> {
  const alice = joinAs(impl, base, 'alice', opts)
  const bob = { current: undefined as Client | undefined }
  try {
    await alice.rec.wait(['join', 'ok', { hello: 'alice' }])
    await alice.rec.wait(['presence', ['alice:1']])
    await pushAndRecord(alice, 'ping', { n: 1 })
    await pushAndRecord(alice, 'error_me', {})
    await pushAndRecord(alice, 'shout', { msg: 'hi' })
    await alice.rec.wait(['shout', { msg: 'hi' }])
    const b = joinAs(impl, base, 'bob', opts)
    bob.current = b
    await b.rec.wait(['presence', ['alice:1', 'bob:1']])
    const seen = await alice.rec.wait(['presence', ['alice:1', 'bob:1']])
    // No reply ever comes; a short timeout keeps its timer from holding the process open.
    b.channel.push('crash', {}, 200)
    await b.rec.wait(['channel_error'])
    const rejoined = await b.rec.until(
      (e) => e[0] === 'join',
      'rejoin',
      b.rec.entries.findIndex((e) => e[0] === 'channel_error'),
    )
    await b.rec.wait(['presence', ['alice:1', 'bob:1']], rejoined)
    const left = await alice.rec.wait(['presence', ['alice:1']], seen + 1)
    await alice.rec.wait(['presence', ['alice:1', 'bob:1']], left + 1)
    await server.broadcast('room:lobby', 'shout', { msg: 'from server' })
    await b.rec.wait(['shout', { msg: 'from server' }])
    await alice.rec.wait(['shout', { msg: 'from server' }])
    b.channel.leave()
    await b.rec.wait(['channel_close'])
    const afterLeave = alice.rec.entries.length
    await alice.rec.wait(['presence', ['alice:1']], afterLeave)
    return { alice: alice.rec.entries, bob: b.rec.entries }
  } finally {
    await disconnect(alice)
    if (bob.current) await disconnect(bob.current)
  }
}
