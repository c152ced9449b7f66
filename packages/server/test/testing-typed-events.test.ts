// @plume/server/testing types: a channel that declares its events gets pushes, replies,
// pushes received and broadcasts typed in tests (typos and wrong payloads do not compile),
// and assigns are typed by the socket. Checked by `tsc -b`; the run checks the values.
import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import { ok, reply, silentLogger, type ChannelHandler } from '@plume/server'
import {
  channelTest,
  type ChannelEvents,
  type EventsOf,
  type TestChannel,
} from '@plume/server/testing'

type Assigns = { user: string }

interface RoomEvents extends ChannelEvents {
  joinParams: { color: string }
  joinReply: { welcome: string }
  in: { new_msg: { body: string } }
  replies: { new_msg: { id: number } }
  out: { new_msg: { body: string; id: number } }
  broadcasts: { new_msg: { body: string; id: number } }
}

class RoomChannel implements ChannelHandler<Assigns> {
  declare readonly events?: RoomEvents
  #id = 0
  join(_topic: string, _params: Record<string, unknown>, ch: { assigns: Assigns }) {
    return ok({ welcome: ch.assigns.user })
  }
  async handleIn(
    _event: string,
    payload: unknown,
    ch: { broadcast(e: string, p: object): Promise<void> },
  ) {
    const id = ++this.#id
    await ch.broadcast('new_msg', { ...(payload as object), id })
    return reply('ok', { id })
  }
}

/** The same channel as an object declaring its events through its type. */
const Lobby: ChannelHandler<Assigns> & { readonly events?: RoomEvents } = {
  join: (_t, _p, ch) => ok({ welcome: ch.assigns.user }),
}

type Equal<A, B> =
  (<T>() => T extends A ? 1 : 2) extends <T>() => T extends B ? 1 : 2 ? true : false
function expectType<T>(_value: T): void {}
const check = <T extends true>(): T | undefined => undefined

const socketDef = {
  channels: [
    ['room:*', RoomChannel],
    ['lobby', Lobby],
  ] as const,
}

describe('testing: typed events and assigns', () => {
  it('types come from the channel module, and the values match at run time', async () => {
    await using test = channelTest<Assigns>(
      { channels: [...socketDef.channels] },
      { logger: silentLogger },
    )
    const s = test.socket('u:1', { user: 'ann' })
    expectType<string>(s.assigns.user)
    const { reply: welcome, channel } = await s.subscribeAndJoin(RoomChannel, 'room:1', {
      color: 'red',
    })
    check<Equal<typeof welcome, { welcome: string }>>()
    check<Equal<typeof channel, TestChannel<RoomEvents>>>()
    const ref = channel.push('new_msg', { body: 'hi' })
    const response = await channel.assertReply(ref, 'ok')
    check<Equal<typeof response, { id: number }>>()
    const pushed = await channel.assertPush('new_msg', { body: 'hi', id: 1 })
    check<Equal<typeof pushed, { body: string; id: number }>>()
    const broadcast = await channel.assertBroadcast('new_msg')
    check<Equal<typeof broadcast, { body: string; id: number }>>()
    assert.deepEqual(
      [welcome, response, pushed, broadcast],
      [{ welcome: 'ann' }, { id: 1 }, { body: 'hi', id: 1 }, { body: 'hi', id: 1 }],
    )
    const lobby = await s.subscribeAndJoin(Lobby, 'lobby', { color: 'blue' })
    check<Equal<typeof lobby.reply, { welcome: string }>>()
    assert.deepEqual(lobby.reply, { welcome: 'ann' })
    check<Equal<EventsOf<typeof Lobby>, RoomEvents>>()
  })

  it('an explicit event map types a join by topic; undeclared channels stay loose', async () => {
    await using test = channelTest<Assigns>(
      { channels: [...socketDef.channels] },
      { logger: silentLogger },
    )
    const s = test.socket(null, { user: 'bob' })
    const typed = await s.subscribeAndJoin<RoomEvents>('room:2', { color: 'green' })
    check<Equal<typeof typed.reply, { welcome: string }>>()
    assert.deepEqual(typed.reply, { welcome: 'bob' })
    const loose = await s.subscribeAndJoin('room:3')
    const anything = await loose.channel.assertReply(loose.channel.push('whatever', {}), 'ok')
    check<Equal<typeof anything, unknown>>()
    assert.deepEqual(anything, { id: 1 })
  })
})

/** Never called: each line must fail to compile. */
export function typeErrors(channel: TestChannel<RoomEvents>): void {
  // @ts-expect-error an event the channel does not handle
  channel.push('new_mgs', { body: 'hi' })
  // @ts-expect-error a payload of the wrong shape
  channel.push('new_msg', { body: 1 })
  // @ts-expect-error a push the channel never sends
  void channel.assertPush('new_msgs')
  // @ts-expect-error a payload expectation of the wrong shape
  void channel.assertPush('new_msg', { body: 1 })
  // @ts-expect-error a broadcast the channel never makes
  void channel.assertBroadcast('left')
  const test = channelTest<Assigns>({ channels: [...socketDef.channels] })
  // @ts-expect-error assigns of the wrong shape
  test.socket(null, { name: 'ann' })
  // @ts-expect-error join params of the wrong shape
  void test.socket(null, { user: 'x' }).subscribeAndJoin(RoomChannel, 'room:1', { colour: 'red' })
}
