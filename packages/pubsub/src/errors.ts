// The one error class of @plume/pubsub. Every failure carries a string `code` so callers
// can branch on it without parsing messages; docs/writing-an-adapter.md lists the codes.

/** Machine-readable reason of a {@link PubSubError}. */
export type PubSubErrorCode =
  /** A remote broadcast (or adapter call) before `start()` resolved. */
  | 'NOT_STARTED'
  /** `start()` called twice on an adapter. */
  | 'ALREADY_STARTED'
  /** A broadcast named a dispatcher that is not registered on this node. */
  | 'UNKNOWN_DISPATCHER'
  /** Received text is not a valid envelope (bad JSON, wrong shape, unknown version). */
  | 'BAD_ENVELOPE'
  /** A message cannot be carried between nodes (bigint, function, cycle, Map, NaN…). */
  | 'BAD_MESSAGE'
  /** The PubSub or adapter was closed. */
  | 'CLOSED'
  /** Another live adapter already uses this node name. */
  | 'DUPLICATE_NODE'
  /** `MemoryBus.settle()` gave up: deliveries kept coming (a message loop?). */
  | 'NOT_SETTLED'
  /** A caller passed an argument of the wrong kind (non-string topic, null owner…). */
  | 'INVALID_ARGUMENT'

/**
 * Error thrown or rejected by @plume/pubsub and its adapters.
 * @example
 * try { await pubsub.broadcast('t', 1) } catch (e) { if (e instanceof PubSubError && e.code === 'NOT_STARTED') … }
 */
export class PubSubError extends Error {
  override readonly name = 'PubSubError'
  /** Machine-readable reason. */
  readonly code: PubSubErrorCode

  constructor(code: PubSubErrorCode, message: string, options?: { cause?: unknown }) {
    super(message, options)
    this.code = code
  }
}
