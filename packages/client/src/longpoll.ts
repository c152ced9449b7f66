// The long-poll transport (see docs/protocol.md), shaped like a WebSocket so the Socket can use
// it unchanged. GETs park on the server and return batches of text frames; sends made in the
// same tick are coalesced into one ndjson POST of at most 100 lines, later ones wait for the
// ack. Requests go through `fetch` (injectable) and time out through the scheduler.
import { base64ToString, bytesToBase64, toBytes } from './base64.js'
import { AUTH_TOKEN_PREFIX, SocketStates } from './constants.js'
import { realScheduler, type Cancel, type Scheduler } from './scheduler.js'
import type { CloseEventLike, TransportConstructor } from './transport.js'

/** The JSON body of a long-poll response. */
export interface LongPollResponse {
  status: number
  token?: string
  messages?: string[]
}

/** One HTTP request; resolves to the parsed body, or null on a network or parse failure. */
export type LongPollRequest = (
  req: {
    method: 'GET' | 'POST'
    url: string
    headers: Record<string, string>
    body: string | null
  },
  signal: AbortSignal,
) => Promise<LongPollResponse | null>

/** Dependencies of a LongPoll instance. */
export interface LongPollDeps {
  /** @default real timers */
  scheduler?: Scheduler
  /** @default a `fetch`-based request */
  request?: LongPollRequest
}

const MAX_BATCH = 100

/** The default request: global `fetch`, JSON body, null on any failure. */
export const fetchRequest: LongPollRequest = async ({ method, url, headers, body }, signal) => {
  try {
    const res = await fetch(url, { method, headers, body, signal })
    const text = await res.text()
    return text ? (JSON.parse(text) as LongPollResponse) : null
  } catch (error) {
    if (signal.aborted) throw error
    return null
  }
}

/** True for LongPoll and its subclasses. */
export const isLongPoll = (T: TransportConstructor): T is typeof LongPoll =>
  T === LongPoll || T.prototype instanceof LongPoll

/** A WebSocket-like transport over HTTP long polling. */
export class LongPoll {
  readyState: number = SocketStates.connecting
  /** Long-poll needs no heartbeat: every poll proves liveness. */
  readonly skipHeartbeat = true
  /** Request timeout in ms (the socket sets `longpollerTimeout`). */
  timeout = 20000
  /** Raw auth token parsed from the subprotocols, sent as `X-Phoenix-AuthToken`. */
  readonly authToken: string | undefined
  /** Session token from the server. */
  token: string | null = null
  readonly pollEndpoint: string
  binaryType = 'arraybuffer'
  onopen: (event: unknown) => void = () => {}
  onerror: (error: unknown) => void = () => {}
  onmessage: (event: { data: unknown }) => void = () => {}
  onclose: (event: CloseEventLike) => void = () => {}
  readonly #scheduler: Scheduler
  readonly #request: LongPollRequest
  // What #stop cancels: in-flight requests, scheduled deliveries and flushes.
  #pending = new Set<Cancel>()
  // Frames not yet POSTed; `#flushing` while a POST is scheduled or awaiting its ack.
  #queue: string[] = []
  #flushing = false

  constructor(endPoint: string, protocols?: string[] | null, deps: LongPollDeps = {}) {
    const second = protocols?.length === 2 ? protocols[1] : undefined
    this.authToken = second?.startsWith(AUTH_TOKEN_PREFIX)
      ? base64ToString(second.slice(AUTH_TOKEN_PREFIX.length))
      : undefined
    this.#scheduler = deps.scheduler ?? realScheduler
    this.#request = deps.request ?? fetchRequest
    // ws:// becomes http://, wss:// https://.
    this.pollEndpoint = endPoint.replace(/^ws/, 'http').replace(/(.*)\/websocket/, '$1/longpoll')
    // The caller sets handlers and `timeout` right after construction; poll after that.
    this.#scheduler.after(0, () => this.poll())
  }

  /** True while open or (re)connecting. */
  isActive(): boolean {
    return this.readyState < SocketStates.closing
  }

  // Adds the session token header to `headers`.
  #headers(headers: Record<string, string>): Record<string, string> {
    if (this.token !== null) headers['X-Phoenix-Longpoll-Token'] = this.token
    return headers
  }

  // Runs `fn` after `ms` unless #stop comes first.
  #later(ms: number, fn: () => void): void {
    const cancel = this.#scheduler.after(ms, () => {
      this.#pending.delete(cancel)
      fn()
    })
    this.#pending.add(cancel)
  }

  /** Issues the next GET and handles its status (410 = session created, 200 = messages…). */
  poll(): void {
    if (!this.isActive()) return
    const headers: Record<string, string> = { Accept: 'application/json' }
    if (this.authToken) headers['X-Phoenix-AuthToken'] = this.authToken
    this.#ajax('GET', this.#headers(headers), null, (resp) => {
      if (resp && resp.status === 410 && this.token !== null) {
        // Our session is gone: fail so the socket reconnects and channels rejoin.
        return this.#closeAndRetry(410, 3410, 'session_gone')
      }
      if (resp) this.token = resp.token ?? null
      this.#onPollStatus(resp?.status ?? 0, resp?.messages ?? [])
    })
  }

  #onPollStatus(status: number, messages: string[]): void {
    switch (status) {
      case 200:
        // One macrotask per message, like one WebSocket event per frame.
        for (const data of messages) this.#later(0, () => this.onmessage({ data }))
        return this.poll()
      case 204:
        return this.poll()
      case 410:
        this.readyState = SocketStates.open
        this.onopen({})
        return this.poll()
      case 403:
        this.onerror(403)
        return this.close(1008, 'forbidden', false)
      default:
        return this.#closeAndRetry(status === 0 ? 500 : status, 1011, 'internal server error')
    }
  }

  /** Queues a frame; frames sent in the same tick travel in one POST. */
  send(body: string | ArrayBuffer | ArrayBufferView): void {
    this.#queue.push(typeof body === 'string' ? body : bytesToBase64(toBytes(body)))
    if (this.#flushing) return
    this.#flushing = true
    this.#later(0, () => this.#flush())
  }

  // POSTs up to MAX_BATCH queued frames; what queued up meanwhile goes once this is acked.
  #flush(): void {
    const body = this.#queue.splice(0, MAX_BATCH).join('\n')
    const headers = this.#headers({ 'Content-Type': 'application/x-ndjson' })
    this.#ajax('POST', headers, body, (resp) => {
      if (resp?.status !== 200)
        this.#closeAndRetry(resp?.status ?? 0, 1011, 'internal server error')
      else if (this.#queue.length > 0) this.#flush()
      else this.#flushing = false
    })
  }

  /** Stops all requests and emits a close event. */
  close(code?: number, reason?: string, wasClean?: boolean): void {
    this.#stop(SocketStates.closed)
    this.onclose({ code: code ?? 1005, reason: reason ?? '', wasClean: wasClean ?? true })
  }

  // Like a failed WebSocket: error, then close, but already "connecting" again so that the
  // callbacks may still close us for good.
  #closeAndRetry(error: unknown, code: number, reason: string): void {
    if (!this.isActive()) return
    this.#stop(SocketStates.connecting)
    this.onerror(error)
    if (this.isActive()) this.onclose({ code, reason, wasClean: false })
  }

  #stop(readyState: number): void {
    this.readyState = readyState
    const pending = this.#pending
    this.#pending = new Set()
    for (const cancel of pending) cancel()
    this.#queue = []
    this.#flushing = false
  }

  // The token travels in the header (Phoenix >= 1.8.2 reads it there) and in `?token=`
  // (older Phoenix servers read only that); servers prefer the header.
  #url(): string {
    if (this.token === null) return this.pollEndpoint
    const sep = this.pollEndpoint.includes('?') ? '&' : '?'
    return `${this.pollEndpoint}${sep}token=${encodeURIComponent(this.token)}`
  }

  #ajax(
    method: 'GET' | 'POST',
    headers: Record<string, string>,
    body: string | null,
    callback: (resp: LongPollResponse | null) => void,
  ): void {
    const controller = new AbortController()
    const abort = (): void => controller.abort()
    this.#pending.add(abort)
    const cancelTimer = this.#scheduler.after(this.timeout, () => {
      if (!this.#pending.delete(abort)) return
      abort()
      this.#closeAndRetry('timeout', 1005, 'timeout')
    })
    const settle = (resp: LongPollResponse | null): void => {
      cancelTimer()
      if (this.#pending.delete(abort)) callback(resp)
    }
    this.#request({ method, url: this.#url(), headers, body }, controller.signal).then(settle, () =>
      settle(null),
    )
  }
}
