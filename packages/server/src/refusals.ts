// Errors that mean "a limit refused this", not "the channel is broken": a presence update
// over the connection's budget, or a meta the tracker will not store. Escaping a callback,
// they become an error reply to the client instead of crashing the channel.

import { TrackerError } from '@plume/tracker'
import { ServerError } from './errors.js'

/** The error reply's response for a refusal, or undefined for any other error. */
export function refusalOf(error: unknown): { reason: string; message?: string } | undefined {
  if (error instanceof ServerError && error.code === 'RATE_LIMITED') {
    return { reason: 'too many presence updates' }
  }
  if (error instanceof TrackerError && error.code === 'INVALID_ARGUMENT') {
    return { reason: 'presence refused', message: error.message }
  }
  return undefined
}
