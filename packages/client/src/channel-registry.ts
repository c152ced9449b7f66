// The channels of one socket: created by `socket.channel()`, dropped when they close. The
// registry routes inbound messages to the channel instances they belong to and errors every
// live channel when the transport under them goes away.
import type { Channel } from './channel.js'
import { ERROR } from './constants.js'
import { DEV } from './dev.js'
import type { SocketMessage } from './serializer.js'

/** @internal The channel list of one socket. */
export class ChannelRegistry {
  /** Channels created and not yet closed, in creation order; changed in place. */
  readonly channels: Channel[] = []

  /** @internal The socket, for logging. */
  readonly owner: { log(kind: string, msg: string): void }

  constructor(owner: { log(kind: string, msg: string): void }) {
    this.owner = owner
  }

  /** @internal Forgets a channel (it closed). */
  drop(channel: Channel): void {
    const at = this.channels.indexOf(channel)
    if (at >= 0) this.channels.splice(at, 1)
  }

  /** @internal Leaves another joined/joining channel of `topic`, so one topic is joined once. */
  leaveDuplicate(topic: string, except?: Channel): void {
    const dup = this.channels.find(
      (c) => c !== except && c.topic === topic && (c.isJoined() || c.isJoining()),
    )
    if (!dup) return
    this.owner.log('transport', DEV ? `leaving duplicate topic "${topic}"` : 'duplicate')
    dup.leave()
  }

  /**
   * @internal Errors every channel that is not already errored, leaving or closed, with the
   * payload phoenix.js 1.8 gives transport errors: `{ source: "transport", reason }`.
   */
  errorAll(reason: string): void {
    for (const channel of [...this.channels]) {
      if (!(channel.isErrored() || channel.isLeaving() || channel.isClosed())) {
        channel.trigger(ERROR, { source: 'transport', reason })
      }
    }
  }

  /** @internal Hands an inbound message to every channel instance it belongs to. */
  route({ topic, event, payload, ref, join_ref }: SocketMessage): void {
    for (const channel of [...this.channels]) {
      if (channel.isMember(topic, event, payload, join_ref))
        channel.trigger(event, payload, ref, join_ref)
    }
  }
}
