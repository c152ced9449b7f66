// The single error type of @plume/protocol. Every malformed frame, unencodable message or
// bad version requirement surfaces as a ProtocolError with a stable string `code`, so the
// server can answer (or close) with a clear reason instead of crashing.

/**
 * Why a frame could not be decoded or a message could not be encoded.
 *
 * | code | meaning |
 * |---|---|
 * | `INVALID_JSON` | a text frame is not valid JSON |
 * | `INVALID_MESSAGE` | valid JSON, wrong shape (not an array/object, missing keys, bad field types) |
 * | `FIELD_TOO_LONG` | a binary header field is longer than 255 UTF-8 bytes |
 * | `TRUNCATED_FRAME` | a binary frame ends before its header (or a field) does |
 * | `UNKNOWN_KIND` | a binary frame starts with a kind byte this side does not accept |
 * | `INVALID_UTF8` | a binary header field is not valid UTF-8 |
 * | `PAYLOAD_NOT_OBJECT` | a server-originated text payload is not a plain object |
 * | `UNSERIALIZABLE` | `JSON.stringify` failed (BigInt, cycle, …) |
 * | `BINARY_UNSUPPORTED` | binary data given to the V1 (JSON object) serializer |
 * | `INVALID_REQUIREMENT` | a version requirement string cannot be parsed |
 * | `INVALID_BASE64` | a long-poll line is not valid base64 |
 */
export type ProtocolErrorCode =
  | 'INVALID_JSON'
  | 'INVALID_MESSAGE'
  | 'FIELD_TOO_LONG'
  | 'TRUNCATED_FRAME'
  | 'UNKNOWN_KIND'
  | 'INVALID_UTF8'
  | 'PAYLOAD_NOT_OBJECT'
  | 'UNSERIALIZABLE'
  | 'BINARY_UNSUPPORTED'
  | 'INVALID_REQUIREMENT'
  | 'INVALID_BASE64'

/**
 * Thrown by every serializer and by `versionMatches` on bad input.
 *
 * @example
 * try { v2Serializer.decode(frame) } catch (e) { if (e instanceof ProtocolError) log(e.code) }
 */
export class ProtocolError extends Error {
  /** Stable machine-readable reason; see {@link ProtocolErrorCode}. */
  readonly code: ProtocolErrorCode

  constructor(code: ProtocolErrorCode, message: string, options?: { cause?: unknown }) {
    super(message, options)
    this.name = 'ProtocolError'
    this.code = code
  }
}
