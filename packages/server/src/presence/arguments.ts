// How Presence reads its callers' arguments: a channel or an owner id with a topic, keys as
// Phoenix stringifies them, and a connection's presence update budget checked before the
// tracker sees anything.
import { TrackerError } from '@plume/tracker'
import { ServerError } from '../errors.js'

/** What Presence needs of a channel: a cluster-unique owner id, a topic, an end hook. */
export interface PresenceChannel {
  readonly ownerId: string
  readonly topic: string
  onTerminate(fn: () => void): () => void
  /** Counts one track/update against the connection's `presenceUpdatesPerWindow`. */
  admitPresenceUpdate?(): boolean
}

export function target(args: readonly unknown[]): [owner: string, topic: string, key: string] {
  if (typeof args[0] === 'string') return [args[0], args[1] as string, keyString(args[2])]
  const channel = args[0] as PresenceChannel
  return [channel.ownerId, channel.topic, keyString(args[1])]
}

/** A channel's connection over its presence update budget: refused before the tracker sees it. */
export function admitUpdate(channel: PresenceChannel): void {
  if (channel.admitPresenceUpdate?.() === false) {
    throw new ServerError(
      'RATE_LIMITED',
      `too many presence updates from this connection on ${channel.topic}`,
    )
  }
}

export function topicOf(channelOrTopic: PresenceChannel | string): string {
  return typeof channelOrTopic === 'string' ? channelOrTopic : channelOrTopic.topic
}

/** Phoenix stringifies keys (1 becomes "1"); anything but a string or finite number is misuse. */
export function keyString(key: unknown): string {
  if (typeof key === 'string') return key
  if (typeof key === 'number' && Number.isFinite(key)) return String(key)
  throw new TrackerError(
    'INVALID_ARGUMENT',
    `presence key must be a string or a finite number, got ${typeof key}`,
  )
}
