// WORKERS: how many processes serve the lobby on one port. 1 (the default) is a single
// process; N > 1 makes this process a node:cluster primary forking N workers; `auto` is one
// per core the runtime may use (os.availableParallelism()).
import { availableParallelism } from 'node:os'
import { ConfigError } from './config.js'

/** Most workers accepted; a typo like 10000 fails instead of forking the machine to death. */
export const MAX_WORKERS = 256

/** Parses `WORKERS`. @throws ConfigError naming the variable. */
export function readWorkers(
  env: NodeJS.ProcessEnv = process.env,
  cores: () => number = availableParallelism,
): number {
  const raw = (env['WORKERS'] ?? '').trim().toLowerCase()
  if (raw === '') return 1
  if (raw === 'auto') return Math.min(MAX_WORKERS, Math.max(1, cores()))
  const value = Number(raw)
  if (!/^\d+$/.test(raw) || value < 1 || value > MAX_WORKERS) {
    throw new ConfigError(
      `WORKERS must be auto or an integer 1..${MAX_WORKERS}, got ${JSON.stringify(env['WORKERS'])}`,
    )
  }
  return value
}
