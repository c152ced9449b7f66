// A scriptable WebSocket stand-in: tests open it, feed it server frames and read what the
// client sent. Every instance is recorded in `FakeTransport.instances` (reset per test).
import type { CloseEventLike } from '@plume/client'

export type Wire = [string | null, string | null, string, string, unknown]

export class FakeTransport {
  static instances: FakeTransport[] = []
  readyState = 0
  bufferedAmount = 0
  binaryType = 'blob'
  timeout: number | undefined
  sent: Array<string | ArrayBuffer | ArrayBufferView> = []
  closedWith: { code: number | undefined; reason: string | undefined } | null = null
  onopen: ((e: unknown) => void) | null = null
  onerror: ((e: unknown) => void) | null = null
  onmessage: ((e: { data: unknown }) => void) | null = null
  onclose: ((e: CloseEventLike) => void) | null = null

  constructor(
    readonly url: string,
    readonly protocols?: string[],
  ) {
    FakeTransport.instances.push(this)
  }

  static get last(): FakeTransport {
    const t = FakeTransport.instances.at(-1)
    if (!t) throw new Error('no transport created')
    return t
  }

  static reset(): void {
    FakeTransport.instances = []
  }

  send(data: string | ArrayBuffer | ArrayBufferView): void {
    this.sent.push(data)
  }

  close(code?: number, reason?: string): void {
    this.closedWith = { code, reason }
    this.readyState = 3
    this.onclose?.({ code: code ?? 1005, reason: reason ?? '', wasClean: true })
  }

  // --- test controls ---
  open(): void {
    this.readyState = 1
    this.onopen?.({})
  }

  serverClose(code = 1006): void {
    this.readyState = 3
    this.onclose?.({ code, reason: '', wasClean: code === 1000 })
  }

  fail(error: unknown = new Error('boom')): void {
    this.onerror?.(error)
  }

  receive(...frame: Wire): void {
    this.onmessage?.({ data: JSON.stringify(frame) })
  }

  /** The text frames sent so far, parsed. */
  get messages(): Wire[] {
    return this.sent.filter((s) => typeof s === 'string').map((s) => JSON.parse(s) as Wire)
  }

  /** The last text frame sent with `event`. */
  lastOf(event: string): Wire {
    const m = this.messages.filter((w) => w[3] === event).at(-1)
    if (!m) throw new Error(`nothing sent with event ${event}`)
    return m
  }

  /** Replies to the last `event` push with status/response. */
  reply(event: string, status = 'ok', response: unknown = {}): void {
    const [joinRef, ref, topic] = this.lastOf(event)
    this.receive(joinRef, ref, topic, 'phx_reply', { status, response })
  }
}
