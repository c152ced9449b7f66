// The test side of one in-process connection: encodes client messages with the client
// serializer, decodes what the server writes into a mailbox, and hands out refs. Sockets
// and channels share it; nothing here knows about channels' semantics.

import { Events, v2ClientSerializer, type Message } from '@plume/protocol'
import type { PubSub } from '@plume/pubsub'
import { Mailbox } from './mailbox.js'
import { show } from './match.js'
import { MemorySocket, type CloseInfo } from './memory-socket.js'
import { nextTurn } from './real-time.js'

/** Bounds of the assertions, in real milliseconds. */
export interface Timeouts {
  /** How long `assert*` waits for something to arrive. */
  readonly assert: number
  /** How long `refute*` watches for something that must not arrive. */
  readonly refute: number
}

export class Wire {
  readonly socket: MemorySocket
  readonly mailbox = new Mailbox<Message>(describeMessage)
  readonly pubsub: PubSub
  readonly timeouts: Timeouts
  #ref = 0
  #lastSent: Promise<void> = Promise.resolve()

  constructor(pubsub: PubSub, timeouts: Timeouts) {
    this.pubsub = pubsub
    this.timeouts = timeouts
    this.socket = new MemorySocket((frame) => this.mailbox.add(v2ClientSerializer.decode(frame)))
  }

  nextRef(): string {
    return String(++this.#ref)
  }

  /** Sends one client message; settles once the connection has dispatched it. */
  send(message: Message): Promise<void> {
    const info = this.socket.closeInfo
    if (info !== undefined) throw new Error(`cannot send ${message.event}: ${describeClose(info)}`)
    this.#lastSent = this.socket.deliver(v2ClientSerializer.encode(message))
    return this.#lastSent
  }

  /** Waits for the frames sent so far to be dispatched, then one event-loop turn. */
  async settle(): Promise<void> {
    await this.#lastSent
    await nextTurn()
  }

  /** Waits for the reply to `ref` on `topic`. */
  reply(topic: string, ref: string, timeoutMs: number): Promise<Message> {
    return this.mailbox.expect(
      `a reply to ref ${ref} on ${topic}`,
      (m) => m.event === Events.reply && m.topic === topic && m.ref === ref,
      timeoutMs,
    )
  }
}

/** One server message as failure messages list it. */
export function describeMessage(m: Message): string {
  if (m.event !== Events.reply) return `push "${m.event}" on ${m.topic}: ${show(m.payload)}`
  const { status, response } = m.payload as { status: string; response: unknown }
  return `reply to ref ${m.ref ?? 'null'} on ${m.topic}: ${status} ${show(response)}`
}

export function describeClose(info: CloseInfo): string {
  const who = info.by === 'client' ? 'the test' : 'the server'
  return `the socket was closed by ${who} (${info.code} ${info.reason})`
}
