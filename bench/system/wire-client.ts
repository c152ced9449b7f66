// A raw Phoenix V2 wire client for system benchmarks: joins one topic over a real WebSocket,
// heartbeats like phoenix.js (every 30 s, driven by the owner's shared timer) and applies
// presence_state / presence_diff to a flag per key (or takes presence_count in a count-only
// room). Keys are `u<index>`, so a client's view
// is one byte per possible key rather than a Map, which lets one process hold thousands.
import { WebSocket } from 'ws'

/** Frames broadcast to a topic are byte-identical for every member: parse each once. */
const parsed = new Map<string, unknown[]>()
const PARSE_CACHE = 64

function parse(text: string): unknown[] {
  let frame = parsed.get(text)
  if (frame === undefined) {
    frame = JSON.parse(text) as unknown[]
    if (parsed.size >= PARSE_CACHE) parsed.delete(parsed.keys().next().value as string)
    parsed.set(text, frame)
  }
  return frame
}

type Entries = Record<string, unknown>
type Diff = [Entries, Entries]

/** Called when a key appears (true) or goes (false) in this client's presence view. */
export type KeyListener = (index: number, present: boolean, client: WireClient) => void

/** One socket joined to one topic, holding the presence keys it has seen. */
export class WireClient {
  frames = 0
  bytes = 0
  count = 0
  /** The join reply's status, once it came ('ok', 'error'). */
  joinStatus: string | undefined
  /** The close code, if the socket closed (1006 when it dropped without one). */
  closeCode: number | undefined
  readonly #present: Uint8Array
  readonly #ws: WebSocket
  #pending: Diff[] | undefined = []
  #ref = 1

  constructor(url: string, topic: string, maxKeys: number, onKey?: KeyListener) {
    this.#present = new Uint8Array(maxKeys)
    this.#ws = new WebSocket(url)
    this.#ws.on('message', (data: Buffer) => this.#receive(data, onKey))
    this.#ws.on('error', () => {})
    this.#ws.once('close', (code: number) => (this.closeCode = code))
    this.joined = new Promise((resolve, reject) => {
      this.#ws.once('open', () => this.#send(['1', '1', topic, 'phx_join', {}]))
      this.#ws.once('close', () => reject(new Error(`socket closed before join: ${url}`)))
      this.#joinReply = resolve
    })
  }

  readonly joined: Promise<void>
  #joinReply: (() => void) | undefined

  /** Whether key `u<index>` is present in this client's view. */
  has(index: number): boolean {
    return this.#present[index] === 1
  }

  heartbeat(): void {
    if (this.#ws.readyState === WebSocket.OPEN)
      this.#send([null, String(++this.#ref), 'phoenix', 'heartbeat', {}])
  }

  close(): void {
    this.#ws.terminate()
  }

  #send(frame: unknown[]): void {
    this.#ws.send(JSON.stringify(frame))
  }

  #receive(data: Buffer, onKey: KeyListener | undefined): void {
    this.frames++
    this.bytes += data.length
    const [, , , event, payload] = parse(data.toString('utf8'))
    if (event === 'phx_reply' && this.#joinReply !== undefined) {
      this.joinStatus = String((payload as { status?: unknown }).status)
      this.#joinReply()
      this.#joinReply = undefined
    } else if (event === 'presence_state') {
      this.#apply(payload as Entries, 1, onKey)
      for (const [joins, leaves] of this.#pending ?? []) this.#diff(joins, leaves, onKey)
      this.#pending = undefined
    } else if (event === 'presence_count') {
      // A count-only room: the view is the number of present keys, not the keys.
      const { count } = payload as { count: number }
      if (count === this.count) return
      this.count = count
      onKey?.(-1, true, this)
    } else if (event === 'presence_diff') {
      const { joins, leaves } = payload as { joins: Entries; leaves: Entries }
      if (this.#pending !== undefined) this.#pending.push([joins, leaves])
      else this.#diff(joins, leaves, onKey)
    }
  }

  #diff(joins: Entries, leaves: Entries, onKey: KeyListener | undefined): void {
    this.#apply(leaves, 0, onKey)
    this.#apply(joins, 1, onKey)
  }

  // Every benchmark user holds one connection, so a key has at most one meta: a flag suffices.
  #apply(entries: Entries, flag: 0 | 1, onKey: KeyListener | undefined): void {
    for (const key in entries) {
      const index = Number(key.slice(1))
      if (!(index >= 0 && index < this.#present.length) || this.#present[index] === flag) continue
      this.#present[index] = flag
      this.count += flag === 1 ? 1 : -1
      onKey?.(index, flag === 1, this)
    }
  }
}

/** The lobby's socket URL for user `u<index>`. */
export function lobbyUrl(port: number, index: number): string {
  return `ws://127.0.0.1:${port}/socket/websocket?vsn=2.0.0&user_id=u${index}`
}

/** Heartbeats every client every 30 s, as phoenix.js does; returns the stopper. */
export function heartbeatAll(clients: readonly WireClient[]): () => void {
  const timer = setInterval(() => {
    for (const c of clients) c.heartbeat()
  }, 30_000)
  timer.unref()
  return () => clearInterval(timer)
}
