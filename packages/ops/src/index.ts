// Public surface of @plume/ops: Prometheus metrics and event logs fed by Plume's diagnostics
// events, and the live dashboard. See README.md and docs/operations.md.
export { Metrics } from './metrics/metrics.js'
export type { MetricsOptions } from './metrics/metrics.js'
export { topTopics, peerStatuses } from './metrics/state.js'
export { logEvents } from './log-events.js'
export type { LogEventsOptions } from './log-events.js'
export { Dashboard } from './dashboard/dashboard.js'
export type { DashboardOptions, DashboardRequest } from './dashboard/dashboard.js'
export { DASHBOARD_TOPIC } from './dashboard/channel.js'
export type { DashboardSnapshot, MemberRow, MetricRow, NodeRow } from './dashboard/snapshot.js'
