// Prometheus metrics for one Plume node: instruments fed by diagnostics events, gauges read
// from the tracker when scraped, Node's default metrics (event-loop delay among them), and
// an HTTP handler serving the text exposition format at a path.
import type { IncomingMessage, ServerResponse } from 'node:http'
import { collectDefaultMetrics, Registry } from 'prom-client'
import type { Tracker } from '@plume/tracker'
import { feedInstruments } from './feed.js'
import { createInstruments, type Instruments } from './instruments.js'
import { registerTrackerGauges } from './state.js'

/** Options of {@link Metrics}. */
export interface MetricsOptions {
  /** Registry to fill. @default a new one, so two Metrics never clash */
  registry?: Registry
  /** Count only events of this node (several nodes in one process). @default every node */
  node?: string
  /** Source of presence counts and replica status. @default none: those gauges are absent */
  tracker?: Tracker
  /** How many of the busiest topics `plume_topic_presences` lists. @default 10 */
  topTopics?: number
  /** Prefix of metric names. @default 'plume_' */
  prefix?: string
  /** Node's default metrics (event-loop delay, heap, GC, CPU). @default true */
  defaultMetrics?: boolean
  /** Path {@link Metrics.handle} answers. @default '/metrics' */
  path?: string
}

/**
 * Prometheus metrics fed by Plume's events. Create it before the endpoint serves traffic
 * (gauges such as open connections count from then on); `close()` unsubscribes.
 * @example
 * const metrics = new Metrics({ tracker, node: endpoint.nodeName })
 * http.on('request', (req, res) => metrics.handle(req, res) || app(req, res))
 */
export class Metrics {
  readonly registry: Registry
  readonly path: string
  readonly #instruments: Instruments
  readonly #dispose: () => void

  constructor(options: MetricsOptions = {}) {
    this.registry = options.registry ?? new Registry()
    this.path = options.path ?? '/metrics'
    const prefix = options.prefix ?? 'plume_'
    const topN = options.topTopics ?? 10
    if (!Number.isSafeInteger(topN) || topN < 1)
      throw new TypeError(`topTopics must be an integer >= 1, got ${String(topN)}`)
    this.#instruments = createInstruments(this.registry, prefix)
    if (options.tracker) registerTrackerGauges(this.registry, prefix, options.tracker, topN)
    if (options.defaultMetrics ?? true) collectDefaultMetrics({ register: this.registry })
    this.#dispose = feedInstruments(this.#instruments, options.node)
  }

  /** The exposition text, as a scrape gets it. */
  text(): Promise<string> {
    return this.registry.metrics()
  }

  /**
   * Answers `GET <path>` with the metrics; returns false (leaving `res` alone) for any
   * other request, so it chains in front of an app's own handler.
   */
  handle(req: IncomingMessage, res: ServerResponse): boolean {
    const path = new URL(req.url ?? '/', 'http://localhost').pathname
    if (path !== this.path) return false
    if (req.method !== 'GET' && req.method !== 'HEAD') {
      res.writeHead(405, { allow: 'GET, HEAD' }).end()
      return true
    }
    this.text().then(
      (body) => res.writeHead(200, { 'content-type': this.registry.contentType }).end(body),
      (error: unknown) => res.writeHead(500).end(`metrics failed: ${String(error)}\n`),
    )
    return true
  }

  /** Stops listening to events. The registry keeps its last values. */
  close(): void {
    this.#dispose()
  }
}
