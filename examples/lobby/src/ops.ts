// The lobby's operations endpoints: Prometheus metrics at /metrics (on unless disabled) and,
// when a dashboard check is configured, the live dashboard at /dashboard/.
import type { IncomingMessage, ServerResponse } from 'node:http'
import { Dashboard, Metrics, type DashboardRequest } from '@plume/ops'
import type { Endpoint } from '@plume/server'
import type { Tracker } from '@plume/tracker'

/** Options of {@link createOps}. */
export interface OpsOptions {
  /** Serve /metrics. @default true */
  metrics?: boolean
  /** Serve /dashboard/ to requests this accepts. @default no dashboard */
  dashboard?: ((req: DashboardRequest) => boolean | Promise<boolean>) | undefined
  /** @plume/client's browser bundle for the dashboard. @default its dist/plume.min.js */
  clientBundle?: string
}

/** Creates the metrics and dashboard of a lobby node; `handle` answers their requests. */
export function createOps(endpoint: Endpoint, tracker: Tracker, options: OpsOptions) {
  const metrics =
    options.metrics === false ? undefined : new Metrics({ tracker, node: endpoint.nodeName })
  const dashboard =
    options.dashboard === undefined
      ? undefined
      : new Dashboard({
          endpoint,
          tracker,
          authorize: options.dashboard,
          ...(metrics && { metrics }),
          ...(options.clientBundle !== undefined && { clientBundle: options.clientBundle }),
        })
  return {
    metrics,
    /** True when the request was answered. */
    handle(req: IncomingMessage, res: ServerResponse): boolean {
      return (metrics?.handle(req, res) ?? false) || (dashboard?.handle(req, res) ?? false)
    },
    close(): void {
      metrics?.close()
    },
  }
}
