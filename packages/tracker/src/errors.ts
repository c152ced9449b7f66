// The one error class of @plume/tracker. Misuse (bad options, duplicate track, update of a
// missing presence, use before start) throws a TrackerError with a string `code`.

/** Machine-readable reason of a {@link TrackerError}. */
export type TrackerErrorCode =
  /** An option is missing, of the wrong kind, or violates a cross-field rule. */
  | 'INVALID_OPTIONS'
  /** `track` of an (owner, topic, key) that is already tracked. */
  | 'ALREADY_TRACKED'
  /** `update` of an (owner, topic, key) that is not tracked. */
  | 'NO_PRESENCE'
  /** A write before `start()` resolved. */
  | 'NOT_STARTED'
  /** A write or start after `stop()` / `gracefulPermdown()`. */
  | 'STOPPED'
  /** An argument of the wrong kind (non-string topic, non-object meta…). */
  | 'INVALID_ARGUMENT'
  /** A meta the wire cannot carry: non-JSON value, cycle, too deep or over `maxMetaBytes`. */
  | 'INVALID_META'

/**
 * Error thrown by @plume/tracker.
 * @example
 * try { tracker.track(owner, 'room:1', 'alice', {}) }
 * catch (e) { if (e instanceof TrackerError && e.code === 'ALREADY_TRACKED') … }
 */
export class TrackerError extends Error {
  override readonly name = 'TrackerError'
  /** Machine-readable reason. */
  readonly code: TrackerErrorCode

  constructor(code: TrackerErrorCode, message: string, options?: { cause?: unknown }) {
    super(message, options)
    this.code = code
  }
}
