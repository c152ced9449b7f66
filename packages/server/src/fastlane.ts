// Fastlane broadcast: a channel subscribes to its topic with FastlaneSubscriber
// metadata; the registered dispatcher encodes each broadcast once per serializer for the
// whole local fan-out and writes the same frame to every subscriber's transport, bypassing
// the channel. Intercepted events go to the channel's handleOut instead.

import type { Dispatcher } from '@plume/pubsub'
import type { Frame, Message, ServerSerializer } from '@plume/protocol'
import type { ChannelHost } from './channel-host.js'
import type { Broadcast, Logger } from './types.js'

/** Name under which the endpoint registers the fastlane dispatcher on its PubSub. */
export const FASTLANE_DISPATCHER = 'plume.fastlane'

// Most channels intercept nothing: they share one empty set instead of holding their own.
const NO_INTERCEPT: ReadonlySet<string> = new Set()

/**
 * Subscription metadata of a joined channel; lives on this node only. Methods rather than
 * per-channel closures: one of these exists for every joined channel.
 */
export class FastlaneSubscriber {
  readonly intercept: ReadonlySet<string>

  constructor(
    readonly host: ChannelHost,
    readonly target: FastlaneTarget,
  ) {
    const events = target.interceptedEvents
    this.intercept = events.length === 0 ? NO_INTERCEPT : new Set(events)
  }

  get serializer(): ServerSerializer {
    return this.host.serializer
  }

  /** Writes an encoded frame straight to the connection. */
  write(frame: Frame): void {
    this.host.writeFrame(frame)
  }

  /** Hands an intercepted broadcast to the channel (queued, then handleOut). */
  handleOut(broadcast: Broadcast): void {
    this.target.handleOut(broadcast)
  }
}

/** Builds the plain-data message the PubSub carries for a channel broadcast. */
export function broadcastMessage(topic: string, event: string, payload: unknown): Broadcast {
  return { topic, event, payload }
}

/** True for messages shaped like a channel broadcast. */
export function isBroadcast(message: unknown): message is Broadcast {
  if (typeof message !== 'object' || message === null) return false
  const m = message as Partial<Broadcast>
  return typeof m.event === 'string' && typeof m.topic === 'string' && 'payload' in m
}

/** How a joined channel takes broadcasts that the fastlane does not write for it. */
export interface FastlaneTarget {
  readonly topic: string
  /** The subscription owner: broadcasts from it (broadcast_from) skip this channel. */
  readonly ownerId: string
  /** The handler's intercepted events; read once, at subscribe. */
  readonly interceptedEvents: readonly string[]
  /** An intercepted broadcast (queued for handleOut). */
  handleOut(b: Broadcast): void
  /** A non-broadcast message on the topic (queued for handleInfo). */
  handleInfo(message: unknown): void
  /** A broadcast that arrived through another dispatcher: push it as is. */
  pushBroadcast(b: Broadcast): void
}

/** Subscribes a joined channel to its topic with fastlane metadata; returns the unsubscribe. */
export function subscribeFastlane(host: ChannelHost, target: FastlaneTarget): () => void {
  const meta = new FastlaneSubscriber(host, target)
  const onPlain = (m: unknown): void => {
    if (!isBroadcast(m)) return target.handleInfo(m)
    if (meta.intercept.has(m.event)) target.handleOut(m)
    else target.pushBroadcast(m)
  }
  const sub = host.pubsub.subscribe(target.topic, onPlain, {
    metadata: meta,
    owner: target.ownerId,
  })
  return () => sub.unsubscribe()
}

function toWire(b: Broadcast, topic: string): Message {
  return { joinRef: null, ref: null, topic, event: b.event, payload: b.payload }
}

/**
 * The fastlane dispatcher. Entries without fastlane metadata (plain subscribers such as
 * socket-id listeners) and non-broadcast messages get the raw message.
 */
export function createFastlaneDispatcher(logger: Logger): Dispatcher {
  return (entries, from, message, topic) => {
    const b = isBroadcast(message) ? message : undefined
    const frames = new Map<string, Frame | null>()
    for (const entry of entries) {
      if (from !== null && entry.owner === from) continue
      const meta = entry.metadata
      if (!(meta instanceof FastlaneSubscriber) || b === undefined) {
        entry.handler(message, topic)
      } else if (meta.intercept.has(b.event)) {
        meta.handleOut(b)
      } else {
        const frame = encodeOnce(frames, meta.serializer, b, topic, logger)
        if (frame !== null) write(meta, frame, topic, logger)
      }
    }
  }
}

function encodeOnce(
  cache: Map<string, Frame | null>,
  serializer: ServerSerializer,
  b: Broadcast,
  topic: string,
  logger: Logger,
): Frame | null {
  const cached = cache.get(serializer.id)
  if (cached !== undefined) return cached
  let frame: Frame | null = null
  try {
    frame = serializer.encode(toWire(b, topic))
  } catch (error) {
    logger.error('plume: broadcast cannot be encoded; dropped', {
      topic,
      event: b.event,
      serializer: serializer.id,
      error,
    })
  }
  cache.set(serializer.id, frame)
  return frame
}

function write(meta: FastlaneSubscriber, frame: Frame, topic: string, logger: Logger): void {
  try {
    meta.write(frame)
  } catch (error) {
    logger.error('plume: fastlane write failed', { topic, error })
  }
}
