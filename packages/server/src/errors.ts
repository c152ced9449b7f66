// The one error class of @plume/server. Programmer misuse (a bad route pattern, a push with
// a non-object payload, a callback returning something that is not a result) throws a
// ServerError whose message says how to fix it; remote trouble never throws, it is logged.

/**
 * Machine-readable reason of a {@link ServerError}.
 *
 * | code | meaning |
 * |---|---|
 * | `INVALID_CONFIG` | bad endpoint/socket options (route pattern, path, check_origin entry…) |
 * | `INVALID_PAYLOAD` | a push, reply or broadcast payload is not a plain object or `Uint8Array` |
 * | `INVALID_RESULT` | a channel callback returned something that is not a result helper's value |
 * | `NO_REF` | `captureReply()` outside a `handleIn` whose message carried a ref |
 * | `CLOSED` | the endpoint is closed |
 * | `RATE_LIMITED` | a presence `track`/`update` over the connection's `presenceUpdatesPerWindow` |
 */
export type ServerErrorCode =
  'INVALID_CONFIG' | 'INVALID_PAYLOAD' | 'INVALID_RESULT' | 'NO_REF' | 'CLOSED' | 'RATE_LIMITED'

/**
 * Error thrown by @plume/server on misuse.
 * @example
 * try { endpoint.socket('/s', { channels: [['a*b', Handler]] }) }
 * catch (e) { if (e instanceof ServerError && e.code === 'INVALID_CONFIG') … }
 */
export class ServerError extends Error {
  override readonly name = 'ServerError'
  /** Machine-readable reason; see {@link ServerErrorCode}. */
  readonly code: ServerErrorCode

  constructor(code: ServerErrorCode, message: string, options?: { cause?: unknown }) {
    super(message, options)
    this.code = code
  }
}
