// Reads the lobby's configuration from the environment, failing fast with a message that
// names the variable when a value is unusable. docs/deploying.md documents every variable.

import type { LobbyAuth } from './auth.js'

/** How much the node logs; each level includes the ones after it. */
export type LogLevel = 'debug' | 'info' | 'warn' | 'error'

/** Everything the lobby needs to start one node. */
export interface LobbyConfig {
  /** `PORT`; 0 picks a free port. @default 4000 */
  port: number
  /** `HOST`, the interface to listen on. @default '127.0.0.1' */
  host: string
  /** `NODE_NAME`, unique among the live nodes of a cluster. @default `lobby-<PORT>` */
  nodeName: string
  /** `PUBSUB_URL`: absent for one node in memory, `redis://…` or `nats://…` for a cluster. */
  pubsubUrl: string | undefined
  /** `PUBSUB_NODE_TTL_MS`: Redis node-name claim lifetime (how long a killed node blocks its name). */
  nodeTtlMs: number | undefined
  /** `PUBSUB_RECONNECT_MS`: longest wait between reconnect attempts to the broker. */
  reconnectMs: number | undefined
  /** `TRACKER_BROADCAST_PERIOD_MS`. @default 1500 */
  broadcastPeriod: number
  /** `TRACKER_DOWN_PERIOD_MS`. @default the tracker's (3 s; 30 s with TRACKER_PRESET=phoenix) */
  downPeriod: number | undefined
  /** `TRACKER_PERMDOWN_PERIOD_MS`. @default the tracker's (20 minutes) */
  permdownPeriod: number | undefined
  /** `PERMDOWN_ON_SHUTDOWN`: on SIGTERM, tell peers to drop our presences at once. @default true */
  permdownOnShutdown: boolean
  /** `TRACKER_PRESET=phoenix`: Phoenix.Tracker's timing (tick-only replication, 30 s down). */
  phoenixTracker: boolean
  /** `PRESENCE_COALESCE`: merge a busy room's diffs; false sends one per change. @default true */
  coalesce: boolean
  /** `LOBBY_ROOMS=any`: every `room:*` topic is a room of its own. @default only room:lobby */
  anyRoom: boolean
  /** `LOBBY_COUNT_ONLY`: rooms send `presence_count` instead of the list. @default false */
  countOnly: boolean
  /** `LOG_LEVEL`. @default 'info' */
  logLevel: LogLevel
  /** `LOBBY_AUTH` (`params` or `token`); token mode needs `SECRET_KEY_BASE`. @default params */
  auth: LobbyAuth
}

/** A configuration value the lobby cannot use; the message names the variable. */
export class ConfigError extends Error {
  override readonly name = 'ConfigError'
  readonly code = 'INVALID_CONFIG'
}

function int(env: NodeJS.ProcessEnv, name: string, fallback: number, max?: number): number
function int(env: NodeJS.ProcessEnv, name: string, fallback: undefined): number | undefined
function int(
  env: NodeJS.ProcessEnv,
  name: string,
  fallback: number | undefined,
  max = Number.MAX_SAFE_INTEGER,
): number | undefined {
  const raw = env[name]
  if (raw === undefined || raw === '') return fallback
  const value = Number(raw)
  if (!/^\d+$/.test(raw.trim()) || !Number.isSafeInteger(value) || value > max) {
    const range =
      max === Number.MAX_SAFE_INTEGER ? 'a non-negative integer' : `an integer 0..${max}`
    throw new ConfigError(`${name} must be ${range}, got ${JSON.stringify(raw)}`)
  }
  return value
}

function positive(env: NodeJS.ProcessEnv, name: string): number | undefined {
  const value = int(env, name, undefined)
  if (value === 0) throw new ConfigError(`${name} must be greater than 0`)
  return value
}

function bool(env: NodeJS.ProcessEnv, name: string, fallback: boolean): boolean {
  const raw = env[name]
  if (raw === undefined || raw === '') return fallback
  const value = raw.trim().toLowerCase()
  if (['1', 'true', 'yes'].includes(value)) return true
  if (['0', 'false', 'no'].includes(value)) return false
  throw new ConfigError(`${name} must be true or false, got ${JSON.stringify(raw)}`)
}

/** A variable with two named values: false for `off` (or unset), true for `on`. */
function either(env: NodeJS.ProcessEnv, name: string, off: string, on: string): boolean {
  const raw = (env[name] ?? '').trim().toLowerCase()
  if (raw === '' || raw === off) return false
  if (raw === on) return true
  throw new ConfigError(`${name} must be ${off} or ${on}, got ${JSON.stringify(env[name])}`)
}

const LEVELS: readonly LogLevel[] = ['debug', 'info', 'warn', 'error']

function logLevel(env: NodeJS.ProcessEnv): LogLevel {
  const raw = env['LOG_LEVEL']
  if (raw === undefined || raw === '') return 'info'
  const found = LEVELS.find((level) => level === raw.trim().toLowerCase())
  if (found === undefined) {
    throw new ConfigError(
      `LOG_LEVEL must be one of ${LEVELS.join(', ')}, got ${JSON.stringify(raw)}`,
    )
  }
  return found
}

function auth(env: NodeJS.ProcessEnv): LobbyAuth {
  const mode = (env['LOBBY_AUTH'] ?? '').trim().toLowerCase() || 'params'
  if (mode === 'params') return { mode }
  if (mode !== 'token')
    throw new ConfigError(
      `LOBBY_AUTH must be params or token, got ${JSON.stringify(env['LOBBY_AUTH'])}`,
    )
  const secret = env['SECRET_KEY_BASE'] ?? ''
  if (Buffer.byteLength(secret) < 64) {
    throw new ConfigError(
      'SECRET_KEY_BASE must be at least 64 bytes when LOBBY_AUTH=token (e.g. `openssl rand -base64 48`)',
    )
  }
  return { mode, secret }
}

/**
 * Parses the lobby's environment variables (see {@link LobbyConfig} for names and defaults).
 * @throws ConfigError naming the variable when a value is unusable.
 */
export function readConfig(env: NodeJS.ProcessEnv = process.env): LobbyConfig {
  const port = int(env, 'PORT', 4000, 65_535)
  const nodeName = (env['NODE_NAME'] ?? '').trim()
  return {
    port,
    host: env['HOST'] || '127.0.0.1',
    nodeName: nodeName || `lobby-${port}`,
    pubsubUrl: env['PUBSUB_URL']?.trim() || undefined,
    nodeTtlMs: positive(env, 'PUBSUB_NODE_TTL_MS'),
    reconnectMs: positive(env, 'PUBSUB_RECONNECT_MS'),
    broadcastPeriod: positive(env, 'TRACKER_BROADCAST_PERIOD_MS') ?? 1500,
    downPeriod: positive(env, 'TRACKER_DOWN_PERIOD_MS'),
    permdownPeriod: positive(env, 'TRACKER_PERMDOWN_PERIOD_MS'),
    permdownOnShutdown: bool(env, 'PERMDOWN_ON_SHUTDOWN', true),
    phoenixTracker: either(env, 'TRACKER_PRESET', 'default', 'phoenix'),
    coalesce: bool(env, 'PRESENCE_COALESCE', true),
    anyRoom: either(env, 'LOBBY_ROOMS', 'lobby', 'any'),
    countOnly: bool(env, 'LOBBY_COUNT_ONLY', false),
    logLevel: logLevel(env),
    auth: auth(env),
  }
}
