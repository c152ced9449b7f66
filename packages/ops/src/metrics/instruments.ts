// The Prometheus instruments of a Metrics instance, created in one registry. Event-fed ones
// are counters and gauges updated as events arrive; tracker-fed ones are computed when
// scraped (see state.ts). Names and labels are documented in docs/operations.md.
import { Counter, Gauge, Histogram, type Registry } from 'prom-client'

/** Every instrument, by role. */
export interface Instruments {
  readonly connections: Gauge<'transport'>
  readonly connectionsTotal: Counter<'transport'>
  readonly channels: Gauge
  readonly joins: Counter<'status'>
  readonly crashes: Counter
  readonly framesSent: Counter<'transport'>
  readonly framesReceived: Counter<'transport'>
  readonly bytesSent: Counter<'transport'>
  readonly bytesReceived: Counter<'transport'>
  readonly diffs: Counter
  readonly replicationLag: Histogram
  readonly merges: Counter
  readonly transfers: Counter<'stage'>
  readonly replicaTransitions: Counter<'status'>
  readonly broker: Gauge<'adapter' | 'role'>
  readonly limitHits: Counter<'limit'>
}

/** Seconds; replication normally lands within a broadcast period (1.5 s by default). */
const LAG_BUCKETS = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 1.5, 2.5, 5, 10, 30]

/** Creates the event-fed instruments in `registry`, names prefixed with `prefix`. */
export function createInstruments(registry: Registry, prefix: string): Instruments {
  const registers = [registry]
  const counter = <L extends string>(name: string, help: string, labelNames: L[] = []) =>
    new Counter<L>({ name: prefix + name, help, labelNames, registers })
  const gauge = <L extends string>(name: string, help: string, labelNames: L[] = []) =>
    new Gauge<L>({ name: prefix + name, help, labelNames, registers })
  return {
    connections: gauge('connections', 'Open client connections', ['transport']),
    connectionsTotal: counter('connections_total', 'Client connections opened', ['transport']),
    channels: gauge('channels', 'Joined channels'),
    joins: counter('channel_joins_total', 'Channel joins answered, by reply status', ['status']),
    crashes: counter('channel_crashes_total', 'Channels ended by a throwing callback'),
    framesSent: counter('frames_sent_total', 'Frames written to clients', ['transport']),
    framesReceived: counter('frames_received_total', 'Frames read from clients', ['transport']),
    bytesSent: counter('frame_bytes_sent_total', 'Bytes of frames written', ['transport']),
    bytesReceived: counter('frame_bytes_received_total', 'Bytes of frames read', ['transport']),
    diffs: counter('presence_diffs_total', 'presence_diff broadcasts to local subscribers'),
    replicationLag: new Histogram({
      name: prefix + 'replication_lag_seconds',
      help: 'Time from a peer sending a presence change to its merge here',
      buckets: LAG_BUCKETS,
      registers,
    }),
    merges: counter('tracker_merges_total', 'Remote deltas and transfers merged'),
    transfers: counter('tracker_transfers_total', 'State transfer steps', ['stage']),
    replicaTransitions: counter('tracker_replica_transitions_total', 'Replica liveness changes', [
      'status',
    ]),
    broker: gauge('broker_connected', '1 while the broker connection is up', ['adapter', 'role']),
    limitHits: counter('limit_hits_total', 'Requests refused by a configured limit', ['limit']),
  }
}
