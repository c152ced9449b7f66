// Feeds the instruments from Plume's diagnostics events. Events of other nodes (several
// nodes in one process, as in tests and demos) are skipped when a node name is given.
import { brokerEvent, subscribeEvent, type EventChannel } from '@plume/pubsub'
import {
  channelCrash,
  channelJoin,
  channelLeave,
  frameReceived,
  frameSent,
  limitHit,
  presenceDiff,
  socketConnect,
  socketDisconnect,
  type FrameEvent,
} from '@plume/server'
import { mergeEvent, replicaEvent, transferEvent } from '@plume/tracker'
import type { Instruments } from './instruments.js'

type Disposer = () => void

/** Subscribes `m` to every event; returns the disposer of all subscriptions. */
export function feedInstruments(m: Instruments, node: string | undefined): Disposer {
  const on = <T extends { readonly node: string | undefined }>(
    event: EventChannel<T>,
    fn: (payload: T) => void,
  ): Disposer =>
    subscribeEvent(event, (p) => {
      if (node === undefined || p.node === undefined || p.node === node) fn(p)
    })
  const disposers = [...socketFeeds(m, on), ...trackerFeeds(m, on)]
  return () => disposers.forEach((dispose) => dispose())
}

type On = <T extends { readonly node: string | undefined }>(
  event: EventChannel<T>,
  fn: (payload: T) => void,
) => Disposer

function socketFeeds(m: Instruments, on: On): Disposer[] {
  const frames = (count: Instruments['framesSent'], bytes: Instruments['bytesSent']) => {
    return (e: FrameEvent) => {
      count.inc({ transport: e.transport })
      bytes.inc({ transport: e.transport }, e.bytes)
    }
  }
  return [
    on(socketConnect, (e) => {
      m.connections.inc({ transport: e.transport })
      m.connectionsTotal.inc({ transport: e.transport })
    }),
    on(socketDisconnect, (e) => m.connections.dec({ transport: e.transport })),
    on(channelJoin, (e) => {
      m.joins.inc({ status: e.status })
      if (e.status === 'ok') m.channels.inc()
    }),
    on(channelLeave, () => m.channels.dec()),
    on(channelCrash, () => m.crashes.inc()),
    on(frameSent, frames(m.framesSent, m.bytesSent)),
    on(frameReceived, frames(m.framesReceived, m.bytesReceived)),
    on(presenceDiff, () => m.diffs.inc()),
    on(limitHit, (e) => m.limitHits.inc({ limit: e.limit })),
  ]
}

function trackerFeeds(m: Instruments, on: On): Disposer[] {
  return [
    on(mergeEvent, (e) => {
      m.merges.inc()
      if (e.lagMs !== undefined) m.replicationLag.observe(e.lagMs / 1000)
    }),
    on(transferEvent, (e) => m.transfers.inc({ stage: e.stage })),
    on(replicaEvent, (e) => m.replicaTransitions.inc({ status: e.status })),
    on(brokerEvent, (e) => {
      m.broker.set({ adapter: e.adapter, role: e.role ?? '' }, e.state === 'connected' ? 1 : 0)
    }),
  ]
}
