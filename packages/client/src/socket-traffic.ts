// The message half of the Socket: the channel registry, the send buffer, the codec choice,
// inbound dispatch to channels and heartbeat/ping replies. It only reads `connection`; the
// connection lifecycle (connect, reconnect, teardown) lives in socket.ts.
import type { Channel } from './channel.js'
import type { Connection } from './connection.js'
import { ERROR, HEARTBEAT, LEAVE, PHOENIX } from './constants.js'
import { Heartbeat } from './heartbeat.js'
import { isLongPoll, LongPoll } from './longpoll.js'
import { consoleLogger, type SocketOptions } from './options.js'
import { realScheduler, type Scheduler } from './scheduler.js'
import { decode, encode, type Decode, type Encode, type SocketMessage } from './serializer.js'
import { SocketBase } from './socket-base.js'
import type { TransportConstructor, WiredTransport } from './transport.js'
import { DEV } from './dev.js'

interface Codec {
  encode: Encode
  decode: Decode
}
const builtinCodec: Codec = { encode, decode }

/** Channels, buffered sends and inbound dispatch shared by every Socket. */
export abstract class SocketTraffic extends SocketBase {
  /** Channels created by `channel()` and not yet closed. */
  channels: Channel[] = []
  /** Sends waiting for the connection to open. */
  sendBuffer: Array<() => void> = []
  /** @internal The current connection, if any. */
  connection: Connection | null = null
  readonly scheduler: Scheduler
  readonly heartbeatIntervalMs: number
  /** The transport class used for the next connection. */
  transport: TransportConstructor
  /** @internal Heartbeat timers; the lifecycle in socket.ts starts and clears them. */
  protected readonly heartbeat: Heartbeat
  readonly #codecOption: Codec

  constructor(opts: SocketOptions) {
    super(opts.logger ?? (opts.debug ? consoleLogger : null))
    this.scheduler = opts.scheduler ?? realScheduler
    const globalWs = (globalThis as { WebSocket?: TransportConstructor }).WebSocket
    this.transport = opts.transport ?? globalWs ?? LongPoll
    this.heartbeatIntervalMs = opts.heartbeatIntervalMs ?? 30000
    this.#codecOption = { encode: opts.encode ?? encode, decode: opts.decode ?? decode }
    this.heartbeat = new Heartbeat(this.scheduler, this.heartbeatIntervalMs, {
      send: () => this.#sendHeartbeat(),
      timeout: () => this.heartbeatTimeout(),
    })
  }

  /** @internal The pending heartbeat went unanswered for one interval. */
  protected abstract heartbeatTimeout(): void

  /** The current transport instance, if any. */
  get conn(): WiredTransport | null {
    return this.connection?.transport ?? null
  }

  /** The transport state as a word. */
  connectionState(): 'connecting' | 'open' | 'closing' | 'closed' {
    const states = ['connecting', 'open', 'closing', 'closed'] as const
    return states[this.conn?.readyState ?? 3] ?? 'closed'
  }

  /** True when the transport is open. */
  isConnected(): boolean {
    return this.connectionState() === 'open'
  }

  /** @internal Unregisters a channel and its socket callbacks. */
  remove(channel: Channel): void {
    this.off(channel.stateChangeRefs)
    this.channels = this.channels.filter((c) => c !== channel)
  }

  /** @internal Leaves another joined/joining channel of `topic` before a (re)join. */
  leaveOpenTopic(topic: string, except?: Channel): void {
    const dup = this.channels.find(
      (c) => c !== except && c.topic === topic && (c.isJoined() || c.isJoining()),
    )
    if (!dup) return
    this.log('transport', DEV ? `leaving duplicate topic "${topic}"` : 'duplicate')
    dup.leave()
  }

  /** @internal Errors every channel that is not already errored, leaving or closed. */
  triggerChanError(reason: string): void {
    for (const channel of [...this.channels]) {
      if (!(channel.isErrored() || channel.isLeaving() || channel.isClosed())) {
        channel.trigger(ERROR, reason)
      }
    }
  }

  /** Sends a message now if connected, else buffers it until the next open. */
  push(data: SocketMessage, channel?: Channel): void {
    if (this.logger) {
      this.log('push', `${data.topic} ${data.event} (${data.join_ref}, ${data.ref})`, data.payload)
    }
    if (this.isConnected()) this.#send(data, channel)
    else this.sendBuffer.push(() => this.#send(data, channel))
  }

  #send(data: SocketMessage, channel?: Channel): void {
    const conn = this.connection
    if (!conn) return
    // A push made for an earlier join (or a closed channel) is stale; a leave still goes out.
    const stale = !!channel && (data.join_ref !== channel.joinRef() || channel.isClosed())
    if (stale && data.event !== LEAVE) return
    this.#codec().encode(data, (frame) => {
      if (this.connection === conn && conn.isOpen()) conn.transport.send(frame)
    })
  }

  // LongPoll always speaks the built-in serializer (spec §5.1).
  #codec(): Codec {
    return isLongPoll(this.transport) ? builtinCodec : this.#codecOption
  }

  /** @internal Sends everything buffered while offline. */
  flushSendBuffer(): void {
    if (!this.isConnected() || this.sendBuffer.length === 0) return
    const buffered = this.sendBuffer
    this.sendBuffer = []
    for (const send of buffered) {
      try {
        send()
      } catch (error) {
        this.log('push', DEV ? 'dropping unsendable buffered message' : 'unsendable', error)
      }
    }
  }

  /** @internal Decodes a frame of `conn` and dispatches it; undecodable frames are dropped. */
  protected receive(conn: Connection, raw: unknown): void {
    try {
      this.#codec().decode(raw, (msg) => this.#dispatch(conn, msg))
    } catch (error) {
      this.log('transport', DEV ? 'dropping undecodable frame' : 'undecodable', error)
    }
  }

  #dispatch(conn: Connection, msg: SocketMessage): void {
    if (this.connection !== conn) return
    const { topic, event, payload, ref, join_ref } = msg
    this.heartbeat.onReply(ref)
    if (this.logger) {
      const status = (payload as { status?: string } | null)?.status ?? ''
      this.log('receive', `${status} ${topic} ${event} ${ref ? `(${ref})` : ''}`, payload)
    }
    for (const channel of [...this.channels]) {
      if (channel.isMember(topic, event, payload, join_ref))
        channel.trigger(event, payload, ref, join_ref)
    }
    this.fire('message', msg)
    const pong = ref === null ? undefined : conn.pings.get(ref)
    if (pong) {
      conn.pings.delete(ref as string)
      pong()
    }
  }

  // A heartbeat; `pong` (for ping) runs when its reply arrives over this same connection.
  #sendHeartbeat(pong?: () => void): string | null {
    const conn = this.connection
    if (!conn || !this.isConnected()) return null
    const ref = this.makeRef()
    if (pong) conn.pings.set(ref, pong)
    this.push({ topic: PHOENIX, event: HEARTBEAT, payload: {}, ref, join_ref: null })
    return ref
  }

  /** Sends a heartbeat and calls back with the round trip in ms; false if not connected. */
  ping(callback: (rtt: number) => void): boolean {
    const start = this.scheduler.now()
    return this.#sendHeartbeat(() => callback(this.scheduler.now() - start)) !== null
  }
}
