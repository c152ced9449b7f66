// The one error class of @plume/testkit: a test helper that gives up (a wait ran out, a
// broker did not start) rejects with a TestkitError whose `code` says which kind of failure.

/** Machine-readable reason of a {@link TestkitError}. */
export type TestkitErrorCode =
  /** A bounded wait reached its deadline. */
  | 'TIMEOUT'
  /** A broker process could not be spawned or never accepted clients. */
  | 'BROKER_START'
  /** A helper was called in a way it cannot serve (a broker started twice…). */
  | 'INVALID_STATE'

/** Error thrown or rejected by the @plume/testkit helpers. */
export class TestkitError extends Error {
  override readonly name = 'TestkitError'
  /** Machine-readable reason. */
  readonly code: TestkitErrorCode

  constructor(code: TestkitErrorCode, message: string, options?: { cause?: unknown }) {
    super(message, options)
    this.code = code
  }
}
