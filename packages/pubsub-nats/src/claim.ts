// Duplicate node-name detection without JetStream. Every adapter answers requests on
// `<prefix>.claim.<name>` with its instance id and phase. A starting adapter asks that
// subject and listens `claimTimeoutMs`: a `live` answer means the name is taken; between
// adapters starting at the same moment, the lowest instance id wins (both sides agree).
import { setTimeout as delay } from 'node:timers/promises'
import { createInbox } from 'nats'
import type { Msg, NatsConnection, Subscription } from 'nats'

/** Where a claiming adapter is in its life. */
export type ClaimPhase = 'starting' | 'live'

/** One answer to a claim request. */
export interface ClaimReply {
  readonly id: string
  readonly phase: ClaimPhase
}

/** The reason a claim lost: who holds (or won) the name. */
export interface ClaimConflict {
  readonly holder: string
  readonly phase: ClaimPhase
}

const encoder = new TextEncoder()
const decoder = new TextDecoder()

function parseReply(data: Uint8Array): ClaimReply | undefined {
  try {
    const raw = JSON.parse(decoder.decode(data)) as Partial<ClaimReply> | null
    if (typeof raw?.id !== 'string') return undefined
    return { id: raw.id, phase: raw.phase === 'live' ? 'live' : 'starting' }
  } catch {
    return undefined
  }
}

/** The name claim of one adapter instance on one connection. */
export class NameClaim {
  phase: ClaimPhase = 'starting'
  readonly #nc: NatsConnection
  readonly #subject: string
  readonly #id: string
  #responder: Subscription | undefined
  // Set when a concurrently starting instance with a lower id asked: we must yield.
  #yieldTo: string | undefined

  constructor(nc: NatsConnection, subject: string, instanceId: string) {
    this.#nc = nc
    this.#subject = subject
    this.#id = instanceId
  }

  /** Starts answering claim requests for this name. */
  listen(): void {
    this.#responder = this.#nc.subscribe(this.#subject, {
      callback: (error, msg) => {
        if (error === null) this.#answer(msg)
      },
    })
  }

  /**
   * Asks who else holds the name and waits `timeoutMs` for answers.
   * @returns the conflict that forbids this instance the name, or `undefined` when free.
   */
  async contest(timeoutMs: number): Promise<ClaimConflict | undefined> {
    const replies = await this.ask(timeoutMs)
    const live = replies.find((r) => r.phase === 'live')
    if (live !== undefined) return { holder: live.id, phase: 'live' }
    const lower = replies.find((r) => r.id < this.#id)
    if (lower !== undefined) return { holder: lower.id, phase: 'starting' }
    if (this.#yieldTo !== undefined) return { holder: this.#yieldTo, phase: 'starting' }
    return undefined
  }

  /**
   * Publishes a claim request, again halfway through, and collects the other instances'
   * answers for `timeoutMs` (one per instance; `live` wins over `starting`).
   */
  async ask(timeoutMs: number): Promise<ClaimReply[]> {
    const inbox = createInbox()
    const replies = new Map<string, ClaimReply>()
    const sub = this.#nc.subscribe(inbox, {
      callback: (error, msg) => {
        const reply = error === null ? parseReply(msg.data) : undefined
        if (reply === undefined || reply.id === this.#id) return
        if (replies.get(reply.id)?.phase !== 'live') replies.set(reply.id, reply)
      },
    })
    try {
      // In a cluster, servers learn of subscriptions on other servers asynchronously. Two
      // instances starting at once on different servers can each send their first request
      // before the other's responder is known there, and both would win. The second request
      // goes out after that propagation (well under claimTimeoutMs), so both sides see it.
      await this.#request(inbox)
      await delay(timeoutMs / 2)
      await this.#request(inbox)
      await delay(timeoutMs / 2)
    } finally {
      sub.unsubscribe()
    }
    return [...replies.values()]
  }

  /** Stops answering (the name becomes free for others once the connection is gone too). */
  stop(): void {
    this.#responder?.unsubscribe()
    this.#responder = undefined
  }

  async #request(inbox: string): Promise<void> {
    const body = encoder.encode(JSON.stringify({ id: this.#id }))
    this.#nc.publish(this.#subject, body, { reply: inbox })
    await this.#nc.flush()
  }

  #answer(msg: Msg): void {
    const asker = parseReply(msg.data)
    if (asker === undefined || asker.id === this.#id || msg.reply === undefined) return
    if (this.phase === 'starting' && asker.id < this.#id) this.#yieldTo ??= asker.id
    msg.respond(encoder.encode(JSON.stringify({ id: this.#id, phase: this.phase })))
  }
}
