// One node of a PresenceCluster: its PubSub, Tracker, Presence and Endpoint, a way to put
// a presence on it from a real channel, and the two ways a node goes away (crash, stop).

import type { PubSub } from '@plume/pubsub'
import type { ManualScheduler, Tracker } from '@plume/tracker'
import { Endpoint } from '../endpoint.js'
import { Presence } from '../presence/presence.js'
import { ok } from '../results.js'
import type { Assigns, ChannelHandler, Logger, SocketOptions } from '../types.js'
import { channelTest, type ChannelTest, type ChannelTestOptions } from './channel-test.js'
import type { TestChannel } from './test-channel.js'

/** What a node is built from. */
export interface NodeSettings {
  readonly pubsub: PubSub
  readonly tracker: Tracker
  readonly logger: Logger
}

const TRACK_PATH = '/plume-test-presence'

export class PresenceNode {
  readonly name: string
  readonly pubsub: PubSub
  readonly tracker: Tracker
  readonly presence: Presence
  /** Diffs are broadcast through it; mount the app's socket here with {@link channelTest}. */
  readonly endpoint: Endpoint
  readonly #tracking: ChannelTest
  readonly #onGone: () => void

  constructor(name: string, s: NodeSettings, scheduler: ManualScheduler, onGone: () => void) {
    this.name = name
    this.pubsub = s.pubsub
    this.tracker = s.tracker
    this.endpoint = new Endpoint({ pubsub: s.pubsub, scheduler, logger: s.logger })
    this.presence = new Presence({ tracker: s.tracker, sink: this.endpoint, logger: s.logger })
    this.endpoint.socket(TRACK_PATH, { channels: [['*', trackingChannel(this.presence)]] })
    this.#tracking = channelTest(this.endpoint, TRACK_PATH)
    this.#onGone = onGone
  }

  /** Starts the PubSub and the Presence (its tracker). */
  async start(): Promise<void> {
    await this.pubsub.start()
    await this.presence.start()
  }

  /** Mounts `socket` on this node's endpoint for channel tests. */
  channelTest<A extends Assigns>(
    socket: SocketOptions<A>,
    options: Omit<ChannelTestOptions, 'endpoint'> = {},
  ): ChannelTest<A> {
    return channelTest(socket, { ...options, endpoint: this.endpoint })
  }

  /**
   * Tracks `key` on `topic` from a real channel on this node; leaving or closing the
   * returned channel untracks it, as a user going away would.
   */
  async track(
    topic: string,
    key: string,
    meta: Record<string, unknown> = {},
  ): Promise<TestChannel> {
    const { channel } = await this.#tracking.socket().subscribeAndJoin(topic, { key, meta })
    return channel
  }

  /** Goes away without telling peers: they drop its presences after the down period. */
  async crash(): Promise<void> {
    await this.presence.stop()
    await this.#end()
  }

  /** Stops gracefully: peers drop its presences at once. */
  async stop(): Promise<void> {
    await this.presence.stop({ graceful: true })
    await this.#end()
  }

  async #end(): Promise<void> {
    await this.#tracking.close()
    await this.endpoint.close()
    await this.pubsub.close()
    this.#onGone()
  }
}

/** Tracks `params.key` with `params.meta` for as long as the channel lives. */
function trackingChannel(presence: Presence): ChannelHandler {
  return {
    join(_topic, params, ch) {
      const meta = (params['meta'] ?? {}) as Record<string, unknown>
      return ok({ ref: presence.track(ch, String(params['key']), meta) })
    },
  }
}
