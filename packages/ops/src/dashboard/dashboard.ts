// The live dashboard: a page under `path` and a Plume socket at `${path}/socket` whose
// `plume:dashboard` channel pushes a snapshot every interval (nodes, topics, the watched
// topic's members, metrics). Both are behind `authorize`: the page request and the socket
// handshake (whose URL carries the page's query, so a token there works for both); the
// page's two scripts are static public code and served to anyone.
import type { IncomingHttpHeaders, IncomingMessage, ServerResponse } from 'node:http'
import type { Endpoint } from '@plume/server'
import type { Tracker } from '@plume/tracker'
import type { Metrics } from '../metrics/metrics.js'
import { defaultClientBundle, loadAssets, type Asset } from './assets.js'
import { dashboardChannel, DASHBOARD_TOPIC } from './channel.js'

/** What `authorize` sees of a page request or a socket handshake. */
export interface DashboardRequest {
  readonly headers: IncomingHttpHeaders
  /** Full URL, query included. */
  readonly url: URL
}

/** Options of {@link Dashboard}. */
export interface DashboardOptions {
  /** The endpoint to mount the dashboard's socket on. */
  endpoint: Endpoint
  /** Source of nodes, topics and members. */
  tracker: Tracker
  /** Metrics to show beside them. @default none */
  metrics?: Metrics
  /** Decides who may see the dashboard (required: it lists your users). */
  authorize: (req: DashboardRequest) => boolean | Promise<boolean>
  /** Where the page is served. @default '/dashboard' */
  path?: string
  /** Milliseconds between snapshots. @default 1000 */
  intervalMs?: number
  /** Topics listed, busiest first. @default 25 */
  topTopics?: number
  /** Keys listed for the watched topic. @default 200 */
  maxMembers?: number
  /** @plume/client's browser bundle. @default its dist/plume.min.js */
  clientBundle?: string
}

function checkOptions(o: DashboardOptions): void {
  if (typeof o.authorize !== 'function')
    throw new TypeError('dashboard: authorize(req) is required, e.g. a check of a token or cookie')
  if (o.path !== undefined && !/^\/[\w./-]*[^/]$/.test(o.path))
    throw new TypeError(`dashboard: path must start with '/' and not end with one, got ${o.path}`)
  for (const key of ['intervalMs', 'topTopics', 'maxMembers'] as const) {
    const v = o[key]
    if (v !== undefined && !(Number.isSafeInteger(v) && v > 0))
      throw new TypeError(`dashboard: ${key} must be a positive integer, got ${String(v)}`)
  }
}

/**
 * The live dashboard. Route requests through {@link Dashboard.handle}.
 * @example
 * const dashboard = new Dashboard({ endpoint, tracker, metrics, authorize: (req) => isAdmin(req) })
 * http.on('request', (req, res) => dashboard.handle(req, res) || app(req, res))
 */
export class Dashboard {
  readonly path: string
  readonly #authorize: DashboardOptions['authorize']
  readonly #clientBundle: string
  #assets: Promise<Map<string, Asset>> | undefined

  constructor(options: DashboardOptions) {
    checkOptions(options)
    this.path = options.path ?? '/dashboard'
    this.#authorize = options.authorize
    this.#clientBundle = options.clientBundle ?? defaultClientBundle()
    const source = {
      tracker: options.tracker,
      registry: options.metrics?.registry,
      topTopics: options.topTopics ?? 25,
      maxMembers: options.maxMembers ?? 200,
    }
    options.endpoint.socket(`${this.path}/socket`, {
      connect: async (_params, info) =>
        (await this.#authorize({ headers: info.headers, url: info.uri })) ? {} : false,
      channels: [[DASHBOARD_TOPIC, dashboardChannel(source, options.intervalMs ?? 1000)]],
    })
  }

  /** Serves the page (403 unless authorized) and its scripts; false for any other request. */
  handle(req: IncomingMessage, res: ServerResponse): boolean {
    const url = new URL(req.url ?? '/', 'http://localhost')
    const sub = url.pathname.startsWith(this.path) ? url.pathname.slice(this.path.length) : null
    if (sub === null || !['', '/', '/app.js', '/plume.min.js'].includes(sub)) return false
    if (sub === '') {
      // The page loads its scripts relative to itself, so it lives at `${path}/`.
      res.writeHead(308, { location: `${this.path}/${url.search}` }).end()
      return true
    }
    void this.#serve(req, res, url, sub)
    return true
  }

  async #serve(req: IncomingMessage, res: ServerResponse, url: URL, name: string): Promise<void> {
    const text = (status: number, body: string): void =>
      void res.writeHead(status, { 'content-type': 'text/plain; charset=utf-8' }).end(body + '\n')
    if (req.method !== 'GET' && req.method !== 'HEAD') return text(405, 'method not allowed')
    try {
      // The scripts are public code; the page and the socket (the data) need authorization.
      const open = name !== '/'
      if (!open && !(await this.#authorize({ headers: req.headers, url })))
        return text(403, 'forbidden')
      this.#assets ??= loadAssets(this.#clientBundle)
      const asset = (await this.#assets).get(name)
      if (asset === undefined) return text(404, 'not found')
      res
        .writeHead(200, { 'content-type': asset.type, 'cache-control': 'no-store' })
        .end(asset.body)
    } catch (error) {
      this.#assets = undefined
      text(500, error instanceof Error ? error.message : String(error))
    }
  }
}
