// The channel every framework example mounts: joins `room:*`, answers `ping` with its own
// payload and rebroadcasts `shout` to everyone in the room.
import { noReply, ok, reply } from '@plume/server'
import type { ChannelHandler } from '@plume/server'

/** `room:*`: ping → reply, shout → broadcast. */
export const roomChannel: ChannelHandler = {
  join() {
    return ok()
  },
  async handleIn(event, payload, ch) {
    const body = typeof payload === 'object' && payload !== null ? payload : {}
    if (event === 'ping') return reply('ok', body)
    if (event === 'shout') {
      await ch.broadcast('shout', body)
      return noReply()
    }
    return reply('error', { reason: `unknown event ${event}` })
  },
}
