// The socket's message traffic: encodes and sends over the current connection (or holds the
// send in the offline buffer), decodes inbound frames, and runs heartbeats and pings. A frame
// is only ever written to, or read from, the connection it was meant for.
import type { ChannelRegistry } from './channel-registry.js'
import type { Connection } from './connection.js'
import { HEARTBEAT, LEAVE, PHOENIX } from './constants.js'
import { DEV } from './dev.js'
import type { Heartbeat } from './heartbeat.js'
import { isLongPoll } from './longpoll.js'
import type { Logger } from './options.js'
import type { Scheduler } from './scheduler.js'
import { releaseSends } from './send-buffer.js'
import { decode, encode, type Decode, type Encode, type SocketMessage } from './serializer.js'
import type { FireCallbacks } from './socket-events.js'
import type { TransportConstructor } from './transport.js'

/** @internal An encoder/decoder pair. */
export interface Codec {
  readonly encode: Encode
  readonly decode: Decode
}
const builtinCodec: Codec = { encode, decode }

/** @internal What a stale-push check needs from the channel a message was pushed for. */
export interface SendingChannel {
  joinRef(): string | null
  isClosed(): boolean
}

/** @internal What owns the socket's heartbeat. */
export interface HeartbeatOwner {
  /** @internal The heartbeat, told about every reply ref. */
  readonly heartbeat: Heartbeat
}

/** @internal What the messenger needs from its socket. */
export interface MessengerSocket extends Codec {
  readonly transport: TransportConstructor
  /** @internal The current connection, if any. */
  readonly connection: Connection | null
  readonly scheduler: Scheduler
  readonly logger: Logger | null
  /** @internal Runs the socket's callbacks of one kind. */
  readonly fire: FireCallbacks
  /** @internal The socket's channels. */
  readonly registry: ChannelRegistry
  /** @internal The socket's connection lifecycle (for its heartbeat). */
  readonly life: HeartbeatOwner
  isConnected(): boolean
  makeRef(): string
  log(kind: string, msg: string, data?: unknown): void
  /** Sends (or buffers) a message the way `socket.push` does. */
  push(data: SocketMessage): void
}

/** @internal Outbound and inbound traffic of one socket. */
export class Messenger {
  /** Sends waiting for the connection to open, oldest first (see send-buffer.ts). */
  readonly buffer: Array<() => void> = []

  /** @internal The socket this messenger belongs to. */
  readonly owner: MessengerSocket

  constructor(owner: MessengerSocket) {
    this.owner = owner
  }

  /** Sends now if connected, else holds the send until the next open. */
  send(data: SocketMessage, channel?: SendingChannel): void {
    if (this.owner.isConnected()) this.#write(data, channel)
    else this.buffer.push(() => this.#write(data, channel))
  }

  #write(data: SocketMessage, channel?: SendingChannel): void {
    const conn = this.owner.connection
    if (!conn) return
    // A push made for an earlier join (or a closed channel) is stale; a leave still goes out.
    const stale = !!channel && (data.join_ref !== channel.joinRef() || channel.isClosed())
    if (stale && data.event !== LEAVE) return
    this.#codec().encode(data, (frame) => {
      if (this.owner.connection === conn && conn.isOpen()) conn.transport.send(frame)
    })
  }

  // LongPoll always speaks the built-in serializer: that is what its server side decodes.
  #codec(): Codec {
    return isLongPoll(this.owner.transport) ? builtinCodec : this.owner
  }

  /** Sends everything buffered while offline (a no-op while not connected). */
  flush(): void {
    if (!this.owner.isConnected()) return
    releaseSends(this.buffer, (error) =>
      this.owner.log('push', DEV ? 'dropping unsendable buffered message' : 'dropped', error),
    )
  }

  /** Decodes a raw frame of the current connection and delivers it; drops garbage. */
  receive(raw: unknown): void {
    const conn = this.owner.connection
    try {
      this.#codec().decode(raw, (msg) => {
        if (this.owner.connection !== conn) return
        this.#deliver(msg)
        this.#pong(conn, msg.ref)
      })
    } catch (error) {
      this.owner.log('transport', DEV ? 'dropping undecodable frame' : 'dropped', error)
    }
  }

  // One decoded message of the current connection: heartbeat, channels, onMessage callbacks.
  #deliver(msg: SocketMessage): void {
    const { topic, event, payload, ref } = msg
    const socket = this.owner
    socket.life.heartbeat.onReply(ref)
    if (socket.logger) {
      const status = (payload as { status?: string } | null)?.status ?? ''
      socket.log('receive', `${status} ${topic} ${event} ${ref ? `(${ref})` : ''}`, payload)
    }
    socket.registry.route(msg)
    socket.fire('message', msg)
  }

  // Runs the ping callback waiting for `ref`, if any.
  #pong(conn: Connection | null, ref: string | null): void {
    const pong = ref === null ? undefined : conn?.pings.get(ref)
    if (!pong) return
    conn?.pings.delete(ref as string)
    pong()
  }

  /** @internal Sends a heartbeat; returns its ref, or null when not connected. */
  heartbeat(pong?: () => void): string | null {
    const conn = this.owner.connection
    if (!conn || !this.owner.isConnected()) return null
    const ref = this.owner.makeRef()
    if (pong) conn.pings.set(ref, pong)
    this.owner.push({ topic: PHOENIX, event: HEARTBEAT, payload: {}, ref, join_ref: null })
    return ref
  }

  /** Sends a heartbeat and calls back with the round trip in ms; false if not connected. */
  ping(callback: (rtt: number) => void): boolean {
    const clock = this.owner.scheduler
    const start = clock.now()
    return this.heartbeat(() => callback(clock.now() - start)) !== null
  }
}
