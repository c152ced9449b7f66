// The lobby's operations settings from the environment: LOG_FORMAT (text or json),
// METRICS (false turns /metrics off) and DASHBOARD_TOKEN (serves /dashboard/?token=… when
// set). Kept apart from config.ts so operations settings evolve on their own.
import { timingSafeEqual } from 'node:crypto'
import type { DashboardRequest } from '@plume/ops'
import { ConfigError } from './config.js'

/** Operations settings of a lobby node. */
export interface OpsConfig {
  /** `LOG_FORMAT`. @default 'text' */
  logFormat: 'text' | 'json'
  /** `METRICS`: serve /metrics. @default true */
  metrics: boolean
  /** `DASHBOARD_TOKEN`: enables the dashboard for requests carrying `?token=<it>`. */
  dashboardToken: string | undefined
}

function logFormat(raw: string | undefined): OpsConfig['logFormat'] {
  const value = (raw ?? '').trim().toLowerCase()
  if (value === '' || value === 'text') return 'text'
  if (value === 'json') return 'json'
  throw new ConfigError(`LOG_FORMAT must be text or json, got ${JSON.stringify(raw)}`)
}

function metrics(raw: string | undefined): boolean {
  const value = (raw ?? '').trim().toLowerCase()
  if (['', '1', 'true', 'yes'].includes(value)) return true
  if (['0', 'false', 'no'].includes(value)) return false
  throw new ConfigError(`METRICS must be true or false, got ${JSON.stringify(raw)}`)
}

/** Reads the operations variables. @throws ConfigError naming the variable. */
export function readOpsConfig(env: NodeJS.ProcessEnv = process.env): OpsConfig {
  const token = env['DASHBOARD_TOKEN']?.trim()
  if (token !== undefined && token !== '' && token.length < 16)
    throw new ConfigError('DASHBOARD_TOKEN must be at least 16 characters long')
  return {
    logFormat: logFormat(env['LOG_FORMAT']),
    metrics: metrics(env['METRICS']),
    dashboardToken: token || undefined,
  }
}

/** The dashboard check for a token: `?token=` must match it (compared in constant time). */
export function tokenCheck(token: string): (req: DashboardRequest) => boolean {
  const expected = Buffer.from(token)
  return (req) => {
    const given = Buffer.from(req.url.searchParams.get('token') ?? '')
    return given.length === expected.length && timingSafeEqual(given, expected)
  }
}
