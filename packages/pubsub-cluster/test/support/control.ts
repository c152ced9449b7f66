// The test-only control protocol between a test process (the cluster primary) and the
// workers it forks: the test asks a worker to create, start, use and close a ClusterAdapter;
// the worker answers each request and reports every delivery. Payloads cross as envelope
// text, @plume/pubsub's lossless codec, so byte-exact checks stay meaningful.

import { decodeEnvelope, encodeEnvelope, type RemoteMessage } from '@plume/pubsub'

export const CTL = 'plume:test-control'

export type Request =
  | { ctl: typeof CTL; op: 'create'; id: number; node: string }
  | { ctl: typeof CTL; op: 'start' | 'close'; id: number }
  | { ctl: typeof CTL; op: 'broadcast'; id: number; data: string }
  | { ctl: typeof CTL; op: 'direct'; id: number; node: string; data: string }

export type Report =
  | { ctl: typeof CTL; op: 'ready' }
  | { ctl: typeof CTL; op: 'ack'; id: number; error?: { code: string; message: string } }
  | { ctl: typeof CTL; op: 'deliver'; node: string; data: string }

export function isControl<T>(value: unknown): value is T {
  return typeof value === 'object' && value !== null && (value as { ctl?: unknown }).ctl === CTL
}

/** A RemoteMessage as envelope text (mode and node are placeholders; only the codec matters). */
export function pack(msg: RemoteMessage): string {
  return encodeEnvelope({ v: 1, mode: 'only', node: '-', sender: '-', ...msg })
}

export function unpack(data: string): RemoteMessage {
  const { topic, message, dispatcher } = decodeEnvelope(data)
  return { topic, message, dispatcher }
}
