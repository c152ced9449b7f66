// The server's diagnostics events (see docs/operations.md): sockets, channels, frames,
// presence diffs and limit hits, on `node:diagnostics_channel` under stable `plume.*` names.
// The publish helpers return at once while nobody listens, before building any payload.
import { defineEvent, type EventChannel } from '@plume/pubsub'
import type { TerminateReason, TransportName } from './types.js'

/** `plume.socket.connect`: a client connection opened (after `connect` accepted it). */
export interface SocketConnectEvent {
  readonly node: string
  /** Unique among this process's connections. */
  readonly connectionId: number
  readonly transport: TransportName
  /** What the socket's `id` callback returned. */
  readonly socketId: string | null
}

/** `plume.socket.disconnect`: a client connection ended. */
export interface SocketDisconnectEvent extends SocketConnectEvent {
  /** `closed` (transport gone), `shutdown`, `draining`, `disconnected`, `inactive`… */
  readonly reason: string
  /** Channels still joined when it ended. */
  readonly channels: number
}

/** Identifies one channel instance. */
export interface ChannelEventBase {
  readonly node: string
  readonly topic: string
  readonly joinRef: string
  /** `node:connection:seq`, the owner id Presence tracks under. */
  readonly ownerId: string
  readonly transport: TransportName
}

/** `plume.channel.join`: a join was answered; `status` is the reply's. */
export interface ChannelJoinEvent extends ChannelEventBase {
  readonly status: 'ok' | 'error'
}

/** `plume.channel.leave`: a joined channel ended, for any reason (a crash included). */
export interface ChannelLeaveEvent extends ChannelEventBase {
  /** `left`, `closed`, `duplicate_join`, a stop reason, or `crash`. */
  readonly reason: string
}

/** `plume.channel.crash`: a channel callback threw; the channel ends with phx_error. */
export interface ChannelCrashEvent extends ChannelEventBase {
  readonly error: unknown
}

/** `plume.frame.sent` / `plume.frame.received`: one frame on a client connection. */
export interface FrameEvent {
  readonly node: string
  readonly connectionId: number
  readonly transport: TransportName
  /** Encoded size: UTF-8 bytes of a text frame, length of a binary one. */
  readonly bytes: number
}

/** `plume.presence.diff`: a presence diff was broadcast to this node's subscribers. */
export interface PresenceDiffEvent {
  readonly node: string
  readonly topic: string
  /** Keys joining and leaving in this diff. */
  readonly joins: number
  readonly leaves: number
}

/** Names of the limits the server enforces; more are added as limits are. */
export type LimitName = 'max_channels' | 'max_frame_size' | 'max_body_size' | (string & {})

/** `plume.limit.hit`: a client ran into a configured limit and was refused. */
export interface LimitHitEvent {
  /** Absent when the refusing layer cannot know it (the WebSocket frame-size check). */
  readonly node: string | undefined
  readonly limit: LimitName
  /** The configured limit. */
  readonly max: number
  readonly transport: TransportName
  /** Set for per-topic limits such as max_channels. */
  readonly topic?: string
}

/** `plume.socket.connect`: A connection opened. */
export const socketConnect = defineEvent<SocketConnectEvent>('plume.socket.connect')
/** `plume.socket.disconnect`: A connection ended. */
export const socketDisconnect = defineEvent<SocketDisconnectEvent>('plume.socket.disconnect')
/** `plume.channel.join`: A join was answered. */
export const channelJoin = defineEvent<ChannelJoinEvent>('plume.channel.join')
/** `plume.channel.leave`: A joined channel ended. */
export const channelLeave = defineEvent<ChannelLeaveEvent>('plume.channel.leave')
/** `plume.channel.crash`: A channel callback threw. */
export const channelCrash = defineEvent<ChannelCrashEvent>('plume.channel.crash')
/** `plume.frame.sent`: A frame was written to a client. */
export const frameSent = defineEvent<FrameEvent>('plume.frame.sent')
/** `plume.frame.received`: A frame was read from a client. */
export const frameReceived = defineEvent<FrameEvent>('plume.frame.received')
/** `plume.presence.diff`: A presence diff was broadcast locally. */
export const presenceDiff = defineEvent<PresenceDiffEvent>('plume.presence.diff')
/** `plume.limit.hit`: A client was refused by a limit. */
export const limitHit = defineEvent<LimitHitEvent>('plume.limit.hit')

/** A terminate reason as a label: the stop reason string, `shutdown` or `crash`. */
export function reasonLabel(reason: TerminateReason): string {
  if (typeof reason === 'string') return reason
  return 'crash' in reason ? 'crash' : 'shutdown'
}

/** Byte size of a frame without copying it. */
export function frameBytes(frame: string | Uint8Array): number {
  return typeof frame === 'string' ? Buffer.byteLength(frame) : frame.byteLength
}

/** The connection facts every socket event repeats. */
interface ConnectionFacts {
  readonly nodeName: string
  readonly id: number
  readonly transport: TransportName
  readonly socketId: string | null
  readonly channelCount: number
}

/** Publishes `plume.socket.connect`. */
export function publishConnect(c: ConnectionFacts): void {
  if (!socketConnect.hasSubscribers) return
  socketConnect.publish(socketFacts(c))
}

/** Publishes `plume.socket.disconnect`. */
export function publishDisconnect(c: ConnectionFacts, reason: TerminateReason): void {
  if (!socketDisconnect.hasSubscribers) return
  socketDisconnect.publish({
    ...socketFacts(c),
    reason: reasonLabel(reason),
    channels: c.channelCount,
  })
}

function socketFacts(c: ConnectionFacts): SocketConnectEvent {
  return { node: c.nodeName, connectionId: c.id, transport: c.transport, socketId: c.socketId }
}

/** Publishes a frame event for connection `c`. */
export function publishFrame(
  event: EventChannel<FrameEvent>,
  c: ConnectionFacts,
  frame: string | Uint8Array,
): void {
  if (!event.hasSubscribers) return
  event.publish({
    node: c.nodeName,
    connectionId: c.id,
    transport: c.transport,
    bytes: frameBytes(frame),
  })
}

/** Publishes a channel event; `extra` carries the event's own fields. */
export function publishChannel<T extends ChannelEventBase>(
  event: EventChannel<T>,
  channel: { readonly topic: string; readonly joinRef: string; readonly ownerId: string },
  host: { readonly nodeName: string; readonly transport: TransportName },
  extra: Omit<T, keyof ChannelEventBase>,
): void {
  if (!event.hasSubscribers) return
  const { topic, joinRef, ownerId } = channel
  const base = { node: host.nodeName, topic, joinRef, ownerId, transport: host.transport }
  event.publish({ ...base, ...extra } as T)
}

/** Publishes `plume.presence.diff` with the number of keys joining and leaving. */
export function publishDiff(
  node: string,
  topic: string,
  diff: { readonly joins: object; readonly leaves: object },
): void {
  if (!presenceDiff.hasSubscribers) return
  presenceDiff.publish({
    node,
    topic,
    joins: Object.keys(diff.joins).length,
    leaves: Object.keys(diff.leaves).length,
  })
}

/** Reports `ws` refusing a frame over `max` bytes (ws closes the socket with 1009 itself). */
export function reportFrameLimit(
  ws: { on(event: 'error', listener: (error: Error & { code?: string }) => void): unknown },
  max: number,
): void {
  ws.on('error', (error) => {
    if (error.code === 'WS_ERR_UNSUPPORTED_MESSAGE_LENGTH')
      publishLimit(undefined, 'max_frame_size', max)
  })
}

/** Publishes `plume.limit.hit`; `c` is undefined where the connection is not known yet. */
export function publishLimit(
  c: { readonly nodeName: string; readonly transport: TransportName } | undefined,
  limit: LimitName,
  max: number,
  topic?: string,
): void {
  if (!limitHit.hasSubscribers) return
  const transport = c?.transport ?? (limit === 'max_body_size' ? 'longpoll' : 'websocket')
  limitHit.publish({
    node: c?.nodeName,
    limit,
    max,
    transport,
    ...(topic !== undefined && { topic }),
  })
}
