// Programmatic surface of @plume/cli: what the `plume` bin runs, for scripts and tests.
export { run } from './run.js'
export type { CliIo } from './run.js'
export { CliError } from './errors.js'
