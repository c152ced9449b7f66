// What the dashboard shows, computed on demand from this node's tracker and metrics
// registry: nodes and their status, the busiest topics, the members of one topic, and the
// metrics as flat rows. Everything is plain JSON, pushed to the page over a channel.
import type { Registry } from 'prom-client'
import type { Meta, Tracker } from '@plume/tracker'
import { peerStatuses, topTopics } from '../metrics/state.js'

/** One node as this node's tracker sees it. */
export interface NodeRow {
  readonly name: string
  /** `self` for the node serving the dashboard. */
  readonly status: 'self' | 'up' | 'down'
  readonly presences: number
}

/** One key of a topic with its metas (one per tab, device or connection). */
export interface MemberRow {
  readonly key: string
  readonly metas: Meta[]
}

/** One metric value; `labels` is `a="x",b="y"` or empty. */
export interface MetricRow {
  readonly name: string
  readonly labels: string
  readonly value: number
}

/** Everything the page renders, pushed as the `snapshot` event. */
export interface DashboardSnapshot {
  readonly node: string
  /** Epoch milliseconds when it was taken. */
  readonly at: number
  readonly nodes: NodeRow[]
  readonly topics: Array<{ readonly topic: string; readonly presences: number }>
  readonly totalTopics: number
  readonly totalPresences: number
  /** Members of the watched topic, when one is watched. */
  readonly members: { readonly topic: string; readonly rows: MemberRow[] } | null
  readonly metrics: MetricRow[]
}

/** Where a snapshot comes from. */
export interface SnapshotSource {
  readonly tracker: Tracker
  readonly registry: Registry | undefined
  readonly topTopics: number
  readonly maxMembers: number
}

/** Node metrics worth a glance beside Plume's own. */
const NODE_METRICS = new Set([
  'nodejs_eventloop_lag_p50_seconds',
  'nodejs_eventloop_lag_p99_seconds',
  'process_resident_memory_bytes',
])

/** Takes a snapshot; `watched` names the topic whose members to include. */
export async function takeSnapshot(
  source: SnapshotSource,
  watched: string | undefined,
): Promise<DashboardSnapshot> {
  const { tracker } = source
  const stats = tracker.stats()
  const topics = topTopics(stats.topics, source.topTopics)
  return {
    node: tracker.nodeName,
    at: Date.now(),
    nodes: nodeRows(tracker, stats.nodes),
    topics: topics.map(([topic, presences]) => ({ topic, presences })),
    totalTopics: stats.topics.size,
    totalPresences: stats.total,
    members: watched === undefined ? null : { topic: watched, rows: members(source, watched) },
    metrics: source.registry === undefined ? [] : await metricRows(source.registry),
  }
}

function nodeRows(tracker: Tracker, counts: ReadonlyMap<string, number>): NodeRow[] {
  const rows: NodeRow[] = [
    { name: tracker.nodeName, status: 'self', presences: counts.get(tracker.nodeName) ?? 0 },
  ]
  for (const [name, status] of [...peerStatuses(tracker)].sort(([a], [b]) => (a < b ? -1 : 1)))
    rows.push({ name, status, presences: counts.get(name) ?? 0 })
  return rows
}

function members(source: SnapshotSource, topic: string): MemberRow[] {
  const byKey = new Map<string, Meta[]>()
  for (const [key, meta] of source.tracker.list(topic)) {
    const metas = byKey.get(key)
    if (metas) metas.push(meta)
    else if (byKey.size < source.maxMembers) byKey.set(key, [meta])
  }
  return [...byKey].map(([key, metas]) => ({ key, metas }))
}

async function metricRows(registry: Registry): Promise<MetricRow[]> {
  const rows: MetricRow[] = []
  for (const metric of await registry.getMetricsAsJSON()) {
    if (!metric.name.startsWith('plume_') && !NODE_METRICS.has(metric.name)) continue
    for (const v of metric.values) {
      const name = (v as { metricName?: string }).metricName ?? metric.name
      if (name.endsWith('_bucket')) continue
      rows.push({ name, labels: labelText(v.labels), value: v.value })
    }
  }
  return rows
}

function labelText(labels: Record<string, string | number | undefined>): string {
  return Object.entries(labels)
    .filter(([, v]) => v !== undefined && v !== '')
    .map(([k, v]) => `${k}="${String(v)}"`)
    .join(',')
}
