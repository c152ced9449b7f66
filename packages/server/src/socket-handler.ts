// One mounted socket (endpoint.socket(path, options)): resolved options, routing, and the
// connect handshake shared by both transports: check_origin, vsn negotiation, the user's
// connect and id callbacks. Transports turn the outcome into HTTP.

import type { IncomingHttpHeaders } from 'node:http'
import { defaultSerializers, negotiateSerializer, type ServerSerializer } from '@plume/protocol'
import { compileOriginCheck, type OriginCheck } from './check-origin.js'
import { resolveSocketOptions, type ResolvedSocketOptions } from './options.js'
import { KeyedCounter } from './limits/rate.js'
import type { ResolvedLimits } from './limits/options.js'
import { TurnBudget } from './limits/turn-budget.js'
import { isConnectError } from './results.js'
import { Routes, type Router } from './routes.js'
import type {
  Assigns,
  ChannelHandler,
  ConnectInfo,
  Logger,
  SocketOptions,
  TransportName,
} from './types.js'

/** What a transport knows about a handshake request. */
export interface Handshake {
  readonly transport: TransportName
  readonly url: URL
  readonly headers: IncomingHttpHeaders
  readonly peer: { readonly address: string | undefined; readonly port: number | undefined }
  readonly authToken: string | undefined
  /** A transport's own check, run after check_origin and before connect. */
  readonly afterOrigin?: () => Refusal | undefined
}

/** An HTTP refusal of a handshake. */
export interface Refusal {
  readonly status: number
  readonly body: string
}

/** The outcome of a handshake. */
export type Authorization =
  | {
      readonly ok: true
      readonly serializer: ServerSerializer
      readonly assigns: Assigns
      readonly socketId: string | null
      /** The remote address, counted against `maxConnectionsPerIp` while connected. */
      readonly address?: string | undefined
    }
  | { readonly ok: false; readonly status: number; readonly body: string }

const REFUSED = { ok: false, status: 403, body: '' } as const
const FAILED = { ok: false, status: 500, body: '' } as const
const TOO_MANY = { ok: false, status: 429, body: 'too many connections from this address' } as const

export class SocketHandler implements Router {
  readonly options: ResolvedSocketOptions
  /** Channels joined per topic (maxMembersPerTopic). */
  readonly members = new KeyedCounter()
  /** Open connections per remote address (maxConnectionsPerIp). */
  readonly peers = new KeyedCounter()
  /** Inbound work per event-loop turn (turnBudgetMs). */
  readonly turns: TurnBudget
  readonly #user: SocketOptions
  readonly #routes: Routes
  readonly #serializers: readonly ServerSerializer[]
  readonly #originCheck: OriginCheck
  readonly #logger: Logger

  constructor(
    path: string,
    options: SocketOptions,
    defaults: {
      checkOrigin: SocketOptions['checkOrigin']
      host: string | undefined
      logger: Logger
    },
  ) {
    this.options = resolveSocketOptions(path, options)
    this.turns = new TurnBudget(this.options.limits.turnBudgetMs)
    this.#user = options
    this.#routes = new Routes(options.channels)
    this.#serializers = options.serializers ?? defaultSerializers
    this.#originCheck = compileOriginCheck(
      options.checkOrigin ?? defaults.checkOrigin,
      defaults.host,
    )
    this.#logger = defaults.logger
  }

  get maxChannels(): number {
    return this.options.maxChannels
  }

  get limits(): ResolvedLimits {
    return this.options.limits
  }

  route(topic: string): ChannelHandler | undefined {
    return this.#routes.resolve(topic)
  }

  /** check_origin alone (long-poll checks it on every request); logs refusals. */
  originAllowed(headers: IncomingHttpHeaders, url: URL): boolean {
    const origin = header(headers, 'origin')
    if (this.#originAllowed(origin, header(headers, 'host'))) return true
    this.#logger.error('plume: origin refused by checkOrigin', { origin, path: url.pathname })
    return false
  }

  /** Runs the handshake pipeline; never throws. */
  async authorize(h: Handshake): Promise<Authorization> {
    const origin = header(h.headers, 'origin')
    if (!this.originAllowed(h.headers, h.url)) return REFUSED
    if (this.#crowded(h.peer.address)) return TOO_MANY
    const refusal = h.afterOrigin?.()
    if (refusal !== undefined) return { ok: false, status: refusal.status, body: refusal.body }
    const params = Object.fromEntries(h.url.searchParams)
    const serializer = negotiateSerializer(params['vsn'], this.#serializers)
    if (serializer === undefined) {
      this.#logger.warn('plume: unsupported serializer version; refused', { vsn: params['vsn'] })
      return REFUSED
    }
    const connected = await this.#connect(params, connectInfo(h, origin))
    if (!('assigns' in connected)) return connected
    const identified = this.#identify(serializer, connected.assigns)
    return identified.ok ? { ...identified, address: h.peer.address } : identified
  }

  #crowded(address: string | undefined): boolean {
    const max = this.options.limits.maxConnectionsPerIp
    if (address === undefined || this.peers.get(address) < max) return false
    this.#logger.warn('plume: too many connections from one address; refused', { address, max })
    return true
  }

  #originAllowed(origin: string | undefined, host: string | undefined): boolean {
    try {
      return this.#originCheck(origin, host)
    } catch (error) {
      this.#logger.error('plume: checkOrigin function threw; refused', { origin, error })
      return false
    }
  }

  async #connect(
    params: Record<string, string>,
    info: ConnectInfo,
  ): Promise<{ assigns: Assigns } | Authorization> {
    const connect = this.#user.connect
    if (connect === undefined) return { assigns: {} }
    let result: unknown
    try {
      result = await connect(params, info)
    } catch (error) {
      if (isConnectError(error)) return { ok: false, status: error.status, body: error.body }
      this.#logger.error('plume: connect threw', { error })
      return FAILED
    }
    if (result === false) return REFUSED
    if (isConnectError(result)) return { ok: false, status: result.status, body: result.body }
    if (result === true || result === undefined) return { assigns: {} }
    if (typeof result === 'object' && result !== null && !Array.isArray(result))
      return { assigns: result as Assigns }
    this.#logger.error('plume: connect must return assigns, true, false or connectError()', {
      result,
    })
    return FAILED
  }

  #identify(serializer: ServerSerializer, assigns: Assigns): Authorization {
    let socketId: unknown = null
    try {
      socketId = this.#user.id?.(assigns) ?? null
    } catch (error) {
      this.#logger.error('plume: id() threw', { error })
      return FAILED
    }
    if (socketId !== null && typeof socketId !== 'string') {
      this.#logger.error('plume: id() must return a string or null', { socketId })
      return FAILED
    }
    return { ok: true, serializer, assigns, socketId }
  }
}

function header(headers: IncomingHttpHeaders, name: string): string | undefined {
  const value = headers[name]
  return Array.isArray(value) ? value[0] : value
}

function connectInfo(h: Handshake, origin: string | undefined): ConnectInfo {
  const xHeaders: Record<string, string> = {}
  for (const [name, value] of Object.entries(h.headers)) {
    if (name.startsWith('x-') && value !== undefined)
      xHeaders[name] = Array.isArray(value) ? (value[0] ?? '') : value
  }
  return {
    transport: h.transport,
    uri: h.url,
    headers: h.headers,
    xHeaders,
    peer: h.peer,
    userAgent: header(h.headers, 'user-agent'),
    origin,
    authToken: h.authToken,
  }
}
