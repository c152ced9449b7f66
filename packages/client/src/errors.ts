// The one error class of @plume/client. Programmer misuse (joining twice, pushing before
// joining) throws at once; remote outcomes (errors, timeouts) are values on a Push instead.

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
