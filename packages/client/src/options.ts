// Socket options (see docs/client.md): one type, resolved once with the phoenix.js defaults, plus the
// URL helpers that turn the endpoint and params into the connect URL.
import { misuse } from './errors.js'
import type { Decode, Encode } from './serializer.js'
import type { Scheduler } from './scheduler.js'
import type { TransportConstructor } from './transport.js'

/** Logger signature: kind ("transport", "channel", "push", "receive"), message, data. */
export type Logger = (kind: string, msg: string, data?: unknown) => void

/** A Storage subset, used to remember the long-poll fallback. */
export interface StorageLike {
  getItem(key: string): string | null
  setItem(key: string, value: string): void
}

/** Page lifecycle events the socket reacts to (injectable for tests). */
export interface PageLike {
  /** True while the page is hidden (a background tab). */
  readonly hidden: boolean
  /** Subscribes to visibilitychange/pagehide/pageshow; returns an unsubscribe. */
  on(event: 'visibilitychange' | 'pagehide' | 'pageshow', fn: () => void): () => void
}

/** Options of `new Socket(endPoint, options)`. */
export interface SocketOptions {
  /** Transport class. @default globalThis.WebSocket, else LongPoll */
  transport?: TransportConstructor
  /** Try WebSocket first and fall back to LongPoll after this many ms. @default off */
  longPollFallbackMs?: number
  /** Default push and join timeout (ms). @default 10000 */
  timeout?: number
  /** Heartbeat interval and heartbeat reply timeout (ms). @default 30000 */
  heartbeatIntervalMs?: number
  /**
   * Reconnect backoff. @default a random delay in [0, step] (full jitter), with steps 10, 50,
   * 100, 150, 200, 250, 500, 1000, 2000 ms, then 5000
   */
  reconnectAfterMs?: (tries: number) => number
  /** Channel rejoin backoff. @default a random delay in [0, step], steps 1000, 2000, 5000 ms, then 10000 */
  rejoinAfterMs?: (tries: number) => number
  /** Logger. @default none */
  logger?: Logger
  /** Install a console logger when no logger is given. @default false */
  debug?: boolean
  /** Long-poll request timeout (ms). @default 20000 */
  longpollerTimeout?: number
  /** Connect params, or a function evaluated on every connect. @default {} */
  params?: Record<string, unknown> | (() => Record<string, unknown>)
  /** Token sent in the Sec-WebSocket-Protocol header; a function is evaluated per connect. */
  authToken?: string | (() => string)
  /** WebSocket binaryType. @default "arraybuffer" */
  binaryType?: string
  /** Serializer version sent as `vsn`. @default "2.0.0" */
  vsn?: string
  /** Custom encoder (ignored for LongPoll). @default V2 JSON/binary */
  encode?: Encode
  /** Custom decoder (ignored for LongPoll). @default V2 JSON/binary */
  decode?: Decode
  /** Where the LongPoll fallback is remembered. @default globalThis.sessionStorage */
  sessionStorage?: StorageLike | null
  /** Clock and timers. @default real timers */
  scheduler?: Scheduler
  /** Page lifecycle source. @default window/document when they exist, else none */
  page?: PageLike | null
}

// Full jitter (a uniform delay between 0 and the step) spreads the clients of a node that went
// away over the whole step instead of landing them on the next node in the same millisecond.
const jittered =
  (steps: number[], last: number) =>
  (tries: number): number =>
    Math.random() * (steps[tries - 1] ?? last)

/** Default socket reconnect backoff: random in [0, step], steps as phoenix.js's. */
export const defaultReconnectAfterMs = jittered([10, 50, 100, 150, 200, 250, 500, 1000, 2000], 5000)
/** Default channel rejoin backoff: random in [0, step], steps as phoenix.js's. */
export const defaultRejoinAfterMs = jittered([1000, 2000, 5000], 10000)

/** `window`/`document` as a PageLike, or null outside browsers. */
export function browserPage(): PageLike | null {
  const g = globalThis as { window?: Window; document?: Document }
  const win = g.window
  const doc = g.document
  if (!win?.addEventListener || !doc) return null
  return {
    get hidden() {
      return doc.visibilityState === 'hidden'
    },
    on(event, fn) {
      const target = event === 'visibilitychange' ? doc : win
      target.addEventListener(event, fn)
      return () => target.removeEventListener(event, fn)
    },
  }
}

/** The global sessionStorage when reachable (it throws in some sandboxed iframes). */
export function defaultStorage(): StorageLike | null {
  try {
    return (globalThis as { sessionStorage?: StorageLike }).sessionStorage ?? null
  } catch {
    return null
  }
}

/** The logger `debug: true` installs. */
// eslint-disable-next-line no-console -- `debug: true` asks for console output
export const consoleLogger: Logger = (kind, msg, data) => console.log(`${kind}: ${msg}`, data)

function serialize(obj: Record<string, unknown>, parentKey?: string): string {
  return Object.keys(obj)
    .map((key) => {
      const paramKey = parentKey ? `${parentKey}[${key}]` : key
      const value = obj[key]
      if (typeof value !== 'object') {
        return `${encodeURIComponent(paramKey)}=${encodeURIComponent(value as string)}`
      }
      return value ? serialize(value as Record<string, unknown>, paramKey) : ''
    })
    .filter((part) => part !== '')
    .join('&')
}

/** Appends params as a query string; nested objects become bracketed keys (`user[id]=1`). */
export function appendParams(url: string, params: Record<string, unknown>): string {
  const query = serialize(params)
  if (query === '') return url
  return `${url}${url.includes('?') ? '&' : '?'}${query}`
}

/** The connect URL: endpoint + params + vsn; a relative endpoint takes the page's host. */
export function endPointURL(
  endPoint: string,
  params: Record<string, unknown>,
  vsn: string,
  protocol: string,
): string {
  const uri = appendParams(appendParams(endPoint, params), { vsn })
  if (uri[0] !== '/') return uri
  if (uri[1] === '/') return `${protocol}:${uri}`
  const location = globalThis.location as Location | undefined
  if (!location) throw misuse('BAD_OPTION', 'endpoint', uri)
  return `${protocol}://${location.host}${uri}`
}
