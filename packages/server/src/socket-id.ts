// Forced disconnect by socket id: a connection whose socket has an id listens on
// that id as a plain PubSub topic, and a broadcast of event "disconnect" there ends it. Any
// other message on the topic is ignored.
import type { PubSub, Subscription } from '@plume/pubsub'

/** Calls `disconnect` when a `disconnect` event is broadcast to `socketId`, on any node. */
export function onDisconnectBroadcast(
  pubsub: PubSub,
  socketId: string,
  connectionId: number,
  disconnect: () => void,
): Subscription {
  return pubsub.subscribe(
    socketId,
    (m) => {
      if ((m as { event?: unknown } | null)?.event === 'disconnect') disconnect()
    },
    { owner: `connection:${connectionId}` },
  )
}
