// The one error the CLI expects: bad input or a failed step, shown to the user without a
// stack trace. `exitCode` 2 means a usage error, 1 a step that failed.

/** A failure the CLI reports as a one-line message. */
export class CliError extends Error {
  constructor(
    message: string,
    readonly exitCode: 1 | 2 = 1,
  ) {
    super(message)
    this.name = 'CliError'
  }
}
