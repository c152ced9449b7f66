// The one error class of @plume/client. Programmer misuse (joining twice, pushing before
// joining) throws at once; remote outcomes (errors, timeouts) are values on a Push instead.
// The minified browser bundle defines PLUME_DEV=false, which drops the long messages: its
// errors read "CODE detail…" and keep their `code`.
import { DEV } from './dev.js'

/** Why a `ClientError` was thrown. */
export type ClientErrorCode =
  'JOIN_TWICE' | 'PUSH_BEFORE_JOIN' | 'BAD_ON_MESSAGE' | 'NO_TRANSPORT' | 'BAD_OPTION'

/** Thrown on misuse of the client API; `code` says which rule was broken. */
export class ClientError extends Error {
  /** Machine-readable reason. */
  readonly code: ClientErrorCode

  constructor(code: ClientErrorCode, message: string, options?: { cause?: unknown }) {
    super(message, options)
    this.name = 'ClientError'
    this.code = code
  }
}

type Describe = (...details: string[]) => string
const MESSAGES: Partial<Record<ClientErrorCode, Describe>> = DEV
  ? {
      JOIN_TWICE: () =>
        "tried to join multiple times. 'join' can only be called a single time per channel instance",
      PUSH_BEFORE_JOIN: (event, topic) =>
        `tried to push '${event}' to '${topic}' before joining. Use channel.join() before pushing events`,
      BAD_ON_MESSAGE: () =>
        'channel onMessage callbacks must return the payload, modified or unmodified',
      BAD_OPTION: (option, value) =>
        value === undefined
          ? `give at least one ${option}`
          : `relative ${option} "${value}" needs a page; pass a full ws:// URL`,
    }
  : {}

/** @internal A ClientError for `code` with the developer message built from `details`. */
export const misuse = (code: ClientErrorCode, ...details: string[]): ClientError =>
  new ClientError(code, MESSAGES[code]?.(...details) ?? [code, ...details].join(' '))
