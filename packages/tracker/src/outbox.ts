// Sending a shard's replication messages: encoded once, and split into parts when the JSON
// would not fit the adapter's message limit (see parts.ts). Send failures are logged, never
// thrown: replication repairs lost messages by itself.
import { Buffer } from 'node:buffer'
import { encodeMessage } from '@plume/crdt'
import type { ReplicaRef, ReplicationMessage } from '@plume/crdt'
import type { Logger, PubSub } from '@plume/pubsub'
import { stamped } from './events.js'
import { splitText, type Part } from './parts.js'
import type { Scheduler } from './scheduler.js'

/** What an outbox needs from its shard. */
export interface OutboxDeps {
  readonly pubsub: PubSub
  /** The subscription owner that `broadcastFrom` skips locally. */
  readonly owner: object
  readonly topic: string
  readonly replica: ReplicaRef
  readonly logger: Logger
  /** Stamps each message with its send time, so receivers can report replication lag. */
  readonly scheduler: Scheduler
}

/** Room left in each message for the envelope around it (names may be escaped 6x in JSON). */
function envelopeReserve(d: OutboxDeps): number {
  const names = Buffer.byteLength(d.topic) + 3 * Buffer.byteLength(d.replica)
  return 512 + 6 * names
}

/** Sends one shard's replication messages, splitting the large ones. */
export class Outbox {
  readonly #d: OutboxDeps
  readonly #reserve: number
  #seq = 0

  constructor(deps: OutboxDeps) {
    this.#d = deps
    this.#reserve = envelopeReserve(deps)
  }

  /** To every other node. */
  broadcast(msg: ReplicationMessage): void {
    for (const wire of this.#fit(msg)) {
      const { pubsub, owner, topic } = this.#d
      pubsub.broadcastFrom(owner, topic, wire).catch((error: unknown) => {
        this.#d.logger.warn('tracker: broadcast failed', { topic, t: msg.t, error })
      })
    }
  }

  /** To the node named `node` only. */
  direct(node: string, msg: ReplicationMessage): void {
    for (const wire of this.#fit(msg)) {
      const { pubsub, topic } = this.#d
      pubsub.directBroadcast(node, topic, wire).catch((error: unknown) => {
        this.#d.logger.warn('tracker: direct send failed', { topic, node, t: msg.t, error })
      })
    }
  }

  /** The message as one wire object, or as parts when its JSON exceeds the limit. */
  #fit(msg: ReplicationMessage): unknown[] {
    const wire = stamped(encodeMessage(msg), this.#d.scheduler)
    const limit = this.#d.pubsub.maxMessageBytes
    if (limit === Infinity || msg.t === 'perm') return [wire]
    // Names longer than the limit allows would leave no room: keep half the limit for data.
    const budget = limit - Math.min(this.#reserve, limit / 2)
    const text = JSON.stringify(wire)
    // A UTF-8 byte is at least one UTF-16 unit: short texts skip the byte count.
    if (text.length * 3 <= budget || Buffer.byteLength(text) <= budget) return [wire]
    const id = `${++this.#seq}`
    const slices = splitText(text, budget - 256)
    const from = this.#d.replica
    return slices.map((s, i): Part => ({ t: 'part', from, id, i, n: slices.length, text: s }))
  }
}
