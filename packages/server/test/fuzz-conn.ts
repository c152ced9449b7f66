// A WebSocket client for the fuzzer: sends frames as they are (text, binary, or raw bytes in
// a text frame), tracks which refs are still owed a reply, and records how it was closed.
import { WebSocket } from 'ws'
import { waitFor } from '@plume/testkit'

/** Close codes the server may use on hostile input; 1011 (server error) is never one. */
export const ALLOWED_CLOSES = new Set([1003, 1007, 1008, 1009, 1013])

export class FuzzConn {
  readonly ws: WebSocket
  readonly pending = new Set<string>()
  readonly opened: Promise<void>
  closeCode: number | undefined
  replies = 0
  errorReplies = 0
  readonly events: Array<[topic: string, event: string, payload: unknown]> = []

  constructor(url: string) {
    this.ws = new WebSocket(url)
    this.ws.on('error', () => {})
    this.ws.on('close', (code) => (this.closeCode = code))
    this.ws.on('message', (data, binary) => {
      if (!binary) this.#onText((data as Buffer).toString('utf8'))
    })
    this.opened = new Promise((resolve, reject) => {
      this.ws.once('open', () => resolve())
      this.ws.once('close', (code) => reject(new Error(`closed ${code} before opening`)))
    })
  }

  #onText(text: string): void {
    const [, ref, topic, event, payload] = JSON.parse(text) as [
      unknown,
      unknown,
      string,
      string,
      { status?: string },
    ]
    if (event === 'phx_reply' && typeof ref === 'string') {
      this.replies++
      if (payload.status === 'error') this.errorReplies++
      this.pending.delete(ref)
    } else {
      this.events.push([topic, event, payload])
    }
  }

  get open(): boolean {
    return this.closeCode === undefined && this.ws.readyState === WebSocket.OPEN
  }

  send(frame: string | Uint8Array, text = false): void {
    if (this.open) this.ws.send(frame, { binary: typeof frame !== 'string' && !text })
  }

  /** Sends a frame with `ref` and waits until it is answered or the connection closes. */
  async call(frame: unknown[], label: string): Promise<boolean> {
    const ref = String(frame[1])
    this.pending.add(ref)
    this.send(JSON.stringify(frame))
    await this.settled(label)
    return !this.pending.has(ref)
  }

  /** Waits until every owed ref is answered, or the connection is closed. */
  settled(label: string, timeoutMs = 20_000): Promise<void> {
    return waitFor(label, () => this.pending.size === 0 || this.closeCode !== undefined, {
      timeoutMs,
      intervalMs: 1,
      describe: () => ({ pending: [...this.pending].slice(0, 5), size: this.pending.size }),
    })
  }

  close(): void {
    this.ws.terminate()
  }
}
