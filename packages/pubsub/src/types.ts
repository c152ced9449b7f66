// The contracts of @plume/pubsub: what a subscriber, a dispatcher and an adapter are.
// Local fan-out belongs to PubSub; an Adapter only carries messages to other nodes
// (see docs/writing-an-adapter.md).

/**
 * A message carried by the PubSub. It must survive a trip through an adapter, so it is
 * plain data: JSON values plus `Uint8Array` (adapters encode bytes binary-safely).
 */
export type Message = unknown

/** Called for each message delivered to a subscription. */
export type Handler = (message: Message, topic: string) => void

/** One subscription as a dispatcher sees it. */
export interface SubscriberEntry {
  /** The subscription's handler. */
  readonly handler: Handler
  /** Whatever the subscriber attached (the server puts fastlane data here). */
  readonly metadata: unknown
  /** Identity used by `broadcastFrom` to skip the sender; defaults to the handler itself. */
  readonly owner: unknown
}

/**
 * Delivers one message to the local subscribers of its topic. `from` is the owner to skip,
 * or `null`. Dispatchers travel by name, so every node must register the same ones.
 */
export type Dispatcher = (
  entries: readonly SubscriberEntry[],
  from: unknown,
  message: Message,
  topic: string,
) => void

/** Options of `PubSub.subscribe`. */
export interface SubscribeOptions {
  /** Data handed to dispatchers with this entry. @default undefined */
  metadata?: unknown
  /** Identity compared by `broadcastFrom`. @default the handler */
  owner?: unknown
}

/** Options of the broadcast family. */
export interface BroadcastOptions {
  /** Name of a dispatcher registered with `registerDispatcher`. @default "default" */
  dispatcher?: string
}

/** What an adapter carries between nodes. */
export interface RemoteMessage {
  readonly topic: string
  readonly message: Message
  /** Dispatcher name to use on the receiving node. */
  readonly dispatcher: string
}

/**
 * Remote-only transport between the nodes of a cluster. Local delivery is not its job:
 * PubSub dispatches locally itself and calls the adapter for the other nodes.
 */
export interface Adapter {
  /** This node's unique name in the cluster. */
  readonly nodeName: string
  /**
   * Largest envelope, in UTF-8 bytes, one send can carry (the broker's payload limit), or
   * `Infinity`. Senders of large data (the Tracker's state transfers) split it below this.
   * May change once `start` resolved (NATS learns it from the server). @default Infinity
   */
  readonly maxMessageBytes?: number
  /** Connects; afterwards every message for this node is passed to `deliver`. */
  start(deliver: (msg: RemoteMessage) => void): Promise<void>
  /** Sends to every node except this one. */
  broadcast(msg: RemoteMessage): Promise<void>
  /** Sends to the named node only (also when it is this node); unknown nodes are ignored. */
  directBroadcast(node: string, msg: RemoteMessage): Promise<void>
  /** Disconnects; no message is delivered afterwards. */
  close(): Promise<void>
}

/** A live subscription; `unsubscribe()` (or `using`) ends it. */
export interface Subscription extends Disposable {
  readonly topic: string
  unsubscribe(): void
}
