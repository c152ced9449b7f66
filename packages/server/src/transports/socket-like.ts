// The small seam between a transport and the transport-agnostic connection core. The
// WebSocket adapter wraps a `ws` socket in it; a long-poll session implements it directly,
// so both transports share one Connection, which knows nothing of either.

import type { Frame } from '@plume/protocol'

/** A bidirectional frame pipe as the connection core sees it. */
export interface SocketLike {
  /** False once closed (by either side). */
  readonly isOpen: boolean
  /** Whether server-to-client binary frames can be carried (long-poll: no). */
  readonly binary: boolean
  /** Writes one frame; a no-op when closed. */
  send(frame: Frame): void
  /** Closes with a WebSocket close code; `onClose` handlers run once. */
  close(code: number, reason: string): void
  /** Registers the frame handler; its promise settles once the frame has been dispatched. */
  onMessage(handler: (frame: Frame) => Promise<void>): void
  /** Registers the close handler (runs once, whoever closed). */
  onClose(handler: () => void): void
  /** Stops reading inbound frames (backpressure); absent when the transport cannot. */
  pause?(): void
  /** Reads again after {@link pause}. */
  resume?(): void
}

/** Close codes the server uses (RFC 6455 codes, used as Phoenix uses them). */
export const CloseCode = Object.freeze({
  normal: 1000,
  /** disconnect broadcast, idle timeout, endpoint shutdown: the client reconnects */
  goingAway: 1001,
  /** a binary frame the negotiated serializer cannot carry (V1) */
  unsupportedData: 1003,
  /** a frame that cannot be decoded (bad JSON, truncated binary) */
  invalidPayload: 1007,
  /** the rate limit kept being exceeded */
  policyViolation: 1008,
  /** a frame over maxFrameSize (ws sends it itself) */
  tooBig: 1009,
  /** unexpected server error */
  internalError: 1011,
  /** drain */
  serviceRestart: 1012,
  /** slow consumer (outbound buffer full) or inbox full: try again later */
  tryAgainLater: 1013,
} as const)
