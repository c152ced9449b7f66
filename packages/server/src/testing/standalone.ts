// Phoenix.ChannelTest's socket/3 and connect/3 as plain functions: each socket gets its own
// endpoint, closed with the socket. Use `channelTest` when several sockets must meet.

import type { Assigns, SocketOptions } from '../types.js'
import { mountTest, type ChannelTestOptions, type ConnectOptions } from './channel-test.js'
import type { TestSocket } from './test-socket.js'

/**
 * A socket of `handler` with `assigns` and socket `id`, without running `connect`.
 * @example
 * const { channel } = await socket(UserSocket, 'user:1', { userId: 1 }).subscribeAndJoin('room:lobby')
 */
export function socket<A extends Assigns>(
  handler: SocketOptions<A>,
  id: string | null = null,
  assigns: A = {} as A,
  options: ChannelTestOptions = {},
): TestSocket<A> {
  return mountTest(handler, options, 'per-socket').socket(id, assigns)
}

/** Runs `handler`'s `connect` with `params`; throws if it refuses. */
export async function connect<A extends Assigns>(
  handler: SocketOptions<A>,
  params: Record<string, string> = {},
  options: ChannelTestOptions & ConnectOptions = {},
): Promise<TestSocket<A>> {
  const test = mountTest(handler, options, 'per-socket')
  try {
    return await test.connect(params, options)
  } catch (error) {
    await test.close()
    throw error
  }
}
