// What a channel needs from the connection that owns it. The connection implements this;
// keeping it an interface lets the channel actor stay ignorant of transports and tables.

import type { Frame, Message, ServerSerializer } from '@plume/protocol'
import type { PubSub } from '@plume/pubsub'
import type { ChannelEndpoint, Logger, TransportName } from './types.js'

/** How the client learns that a channel ended. */
export type ExitSignal = 'close' | 'error' | 'none'

/** What the host needs to know of a channel that ended, to forget it and tell the client. */
export interface ExitedChannel {
  readonly topic: string
  readonly joinRef: string
}

export interface ChannelHost {
  readonly nodeName: string
  readonly socketId: string | null
  readonly transport: TransportName
  readonly serializer: ServerSerializer
  readonly endpoint: ChannelEndpoint
  readonly pubsub: PubSub
  readonly logger: Logger
  /** Encodes and writes one message (dropped and logged when it cannot be encoded). */
  write(message: Message): void
  /** Writes an already-encoded frame (fastlane). */
  writeFrame(frame: Frame): void
  /** The channel ended: forget it and emit phx_close / phx_error as told. */
  channelExited(channel: ExitedChannel, signal: ExitSignal): void
  /** Tasks one channel's mailbox may hold for outside messages. @default Infinity */
  readonly maxMailbox?: number
  /** A broadcast found a channel's mailbox full: the connection cannot keep up. */
  overloaded?(topic: string): void
  /** Counts one presence track/update; false when over the connection's budget. */
  admitPresenceUpdate?(): boolean
}
