// The harness: a socket definition mounted on an endpoint (a new one, or the app's own),
// opened in process. `socket()` skips connect like Phoenix.ChannelTest's socket/3;
// `connect()` runs the socket's real handshake (check_origin, vsn, connect, id).

import { AssertionError } from 'node:assert'
import { v2Serializer, type ServerSerializer } from '@plume/protocol'
import type { PubSub } from '@plume/pubsub'
import { Endpoint } from '../endpoint.js'
import { inProcess, type InProcessMount } from '../in-process.js'
import type { Scheduler } from '../time.js'
import type { Assigns, Logger, SocketOptions } from '../types.js'
import { show } from './match.js'
import { TestSocket, type SocketHost } from './test-socket.js'
import { Wire, type Timeouts } from './wire.js'

/** Options of {@link channelTest}. */
export interface ChannelTestOptions {
  /** Mount on this endpoint instead of a new one; the test closes its sockets, not it. */
  readonly endpoint?: Endpoint
  /** Mount path of the socket. @default '/socket' */
  readonly path?: string
  /** For a new endpoint: its timers (`ch.endpoint.scheduler`). @default systemScheduler */
  readonly scheduler?: Scheduler
  /** For a new endpoint: its PubSub. @default a new in-memory PubSub */
  readonly pubsub?: PubSub
  /** For a new endpoint. @default warnings and errors to the console */
  readonly logger?: Logger
  /** How long `assert*` waits, in real ms. @default 1000 */
  readonly timeout?: number
  /** How long `refute*` watches, in real ms. @default 100 */
  readonly refuteTimeout?: number
}

/** What the handshake of {@link ChannelTest.connect} carries besides its params. */
export interface ConnectOptions {
  /** Request headers (lower-case names), e.g. `origin` or `x-*`. */
  readonly headers?: Record<string, string>
  /** The phoenix.js `authToken`. */
  readonly authToken?: string
  readonly peer?: { readonly address: string; readonly port?: number }
}

/** A refused {@link ChannelTest.connect}. */
export interface Refused {
  readonly status: number
  readonly body: string
}

const HOST = 'plume.test'

/** Who closes the endpoint: nobody (the app's), `close()`, or the last socket's close. */
export type Ownership = 'borrowed' | 'owned' | 'per-socket'

/** A mounted socket that tests open connections to. `close()` ends them (and an own endpoint). */
export class ChannelTest<A extends Assigns = Assigns> {
  readonly endpoint: Endpoint
  readonly path: string
  readonly #mount: InProcessMount
  readonly #ownership: Ownership
  readonly #timeouts: Timeouts
  readonly #sockets = new Set<TestSocket<Assigns>>()
  readonly #host: SocketHost

  /** Use {@link channelTest}. */
  constructor(endpoint: Endpoint, path: string, ownership: Ownership, options: ChannelTestOptions) {
    const mount = endpoint[inProcess](path)
    if (mount === undefined) throw new Error(`no socket is mounted at ${path} on this endpoint`)
    this.endpoint = endpoint
    this.path = path
    this.#mount = mount
    this.#ownership = ownership
    this.#timeouts = { assert: options.timeout ?? 1000, refute: options.refuteTimeout ?? 100 }
    const ready = Promise.all([endpoint.start(), endpoint.pubsub.start()]).then(() => {})
    this.#host = {
      ready,
      route: (topic) => this.#route(topic),
      onClose: (socket) => this.#forget(socket),
    }
  }

  /** The PubSub of the endpoint, e.g. to send a channel's `ch.subscribe` topic a message. */
  get pubsub(): PubSub {
    return this.endpoint.pubsub
  }

  /** A connected socket with these assigns and socket id, without running `connect`. */
  socket(id: string | null = null, assigns: A = {} as A): TestSocket<A> {
    return this.#open(v2Serializer, id, assigns)
  }

  /** Runs the socket's handshake with `params`; throws if `connect` refuses. */
  async connect(
    params: Record<string, string> = {},
    options: ConnectOptions = {},
  ): Promise<TestSocket<A>> {
    const auth = await this.#authorize(params, options)
    if (!auth.ok) {
      const why = `${auth.status}${auth.body === '' ? '' : ` ${show(auth.body)}`}`
      throw new AssertionError({
        message: `expected connect to succeed, but it was refused: ${why}`,
      })
    }
    return this.#open(auth.serializer, auth.socketId, auth.assigns as A)
  }

  /** Runs the handshake and fails if it is accepted; returns the refusal's HTTP status and body. */
  async refuteConnect(
    params: Record<string, string> = {},
    options: ConnectOptions = {},
  ): Promise<Refused> {
    const auth = await this.#authorize(params, options)
    if (!auth.ok) return { status: auth.status, body: auth.body }
    throw new AssertionError({
      message: `expected connect to be refused, but it was accepted with assigns ${show(auth.assigns)}`,
    })
  }

  /** Closes every socket this test opened, then its own endpoint (never one passed in). */
  async close(): Promise<void> {
    await Promise.all([...this.#sockets].map((s) => s.close()))
    if (this.#ownership !== 'borrowed') await this.endpoint.close()
  }

  /** `await using test = channelTest(...)` closes it. */
  [Symbol.asyncDispose](): Promise<void> {
    return this.close()
  }

  async #authorize(params: Record<string, string>, options: ConnectOptions) {
    await this.#host.ready
    const { handler } = this.#mount
    const url = new URL(`ws://${HOST}${handler.options.websocketPath ?? handler.options.path}`)
    for (const [k, v] of Object.entries({ vsn: '2.0.0', ...params })) url.searchParams.set(k, v)
    return handler.authorize({
      transport: 'websocket',
      url,
      headers: { host: HOST, ...options.headers },
      peer: { address: options.peer?.address ?? '127.0.0.1', port: options.peer?.port },
      authToken: options.authToken,
    })
  }

  #open(serializer: ServerSerializer, socketId: string | null, assigns: A): TestSocket<A> {
    const wire = new Wire(this.endpoint.pubsub, this.#timeouts)
    const auth = { ok: true, serializer, assigns, socketId } as const
    if (this.#mount.open(wire.socket, auth) === undefined)
      throw new Error('the endpoint refused the connection: it is draining or closed')
    const socket = new TestSocket<A>(wire, this.#host, socketId, assigns)
    this.#sockets.add(socket as TestSocket<Assigns>)
    return socket
  }

  async #forget(socket: TestSocket<Assigns>): Promise<void> {
    this.#sockets.delete(socket)
    if (this.#ownership === 'per-socket' && this.#sockets.size === 0) await this.endpoint.close()
  }

  #route(topic: string) {
    try {
      return this.#mount.handler.route(topic)
    } catch {
      return undefined // a throwing channel constructor: the join itself reports the crash
    }
  }
}

/**
 * Mounts `socket` on a new endpoint (or `options.endpoint`) for in-process channel tests.
 * @example
 * const test = channelTest(UserSocket)
 * const { channel } = await test.socket('user:1', { userId: 1 }).subscribeAndJoin('room:lobby')
 */
export function channelTest<A extends Assigns>(
  socket: SocketOptions<A>,
  options?: ChannelTestOptions,
): ChannelTest<A>
/** Tests the socket the app already mounted at `path` on `endpoint`. */
export function channelTest<A extends Assigns = Assigns>(
  endpoint: Endpoint,
  path: string,
  options?: ChannelTestOptions,
): ChannelTest<A>
export function channelTest<A extends Assigns>(
  target: SocketOptions<A> | Endpoint,
  pathOrOptions?: string | ChannelTestOptions,
  maybeOptions: ChannelTestOptions = {},
): ChannelTest<A> {
  if (target instanceof Endpoint) {
    if (typeof pathOrOptions !== 'string')
      throw new TypeError('channelTest(endpoint, path): path is required')
    return new ChannelTest<A>(target, pathOrOptions, 'borrowed', maybeOptions)
  }
  const options = typeof pathOrOptions === 'object' ? pathOrOptions : {}
  return mountTest(target, options, options.endpoint === undefined ? 'owned' : 'borrowed')
}

/** Mounts `socket` on `options.endpoint` or a new endpoint. */
export function mountTest<A extends Assigns>(
  socket: SocketOptions<A>,
  options: ChannelTestOptions,
  ownership: Ownership,
): ChannelTest<A> {
  const path = options.path ?? '/socket'
  const endpoint = options.endpoint ?? newEndpoint(options)
  endpoint.socket<A>(path, socket)
  return new ChannelTest<A>(endpoint, path, ownership, options)
}

function newEndpoint(options: ChannelTestOptions): Endpoint {
  return new Endpoint({
    ...(options.scheduler && { scheduler: options.scheduler }),
    ...(options.pubsub && { pubsub: options.pubsub }),
    ...(options.logger && { logger: options.logger }),
  })
}
