// Public surface of @plume/ops: Prometheus metrics and event logs fed by Plume's diagnostics
// events, and the live dashboard. See README.md and docs/operations.md.
export { Metrics } from './metrics/metrics.js'
export type { MetricsOptions } from './metrics/metrics.js'
export { topTopics, peerStatuses } from './metrics/state.js'
