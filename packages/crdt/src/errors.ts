// The one error class of @plume/crdt. Malformed wire input and misuse of the state both
// surface as a CrdtError with a string `code`, so the tracker can log a peer's bad message
// and carry on instead of crashing the shard.

/** Machine-readable reason of a {@link CrdtError}. */
export type CrdtErrorCode =
  /** A replica ref, dot, context, cloud, value, delta, state or message failed validation. */
  | 'INVALID_INPUT'
  /** `join` of a (topic, owner, key) that the local replica already holds. */
  | 'ALREADY_PRESENT'
  /** An argument of the wrong kind (empty name, negative clock, non-object meta…). */
  | 'INVALID_ARGUMENT'

/**
 * Error thrown by @plume/crdt.
 * @example
 * try { decodeMessage(JSON.parse(text)) } catch (e) { if (e instanceof CrdtError) log(e.code) }
 */
export class CrdtError extends Error {
  override readonly name = 'CrdtError'
  /** Machine-readable reason. */
  readonly code: CrdtErrorCode

  constructor(code: CrdtErrorCode, message: string, options?: { cause?: unknown }) {
    super(message, options)
    this.code = code
  }
}
