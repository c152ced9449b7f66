// A promise-based message collector for tests: subscribe its handler, then await
// `waitFor(n)`. A bounded timeout turns "never arrived" into a failing test, never a hang.

import type { Handler, Message } from '../types.js'

interface Waiter {
  readonly count: number
  readonly resolve: (messages: Message[]) => void
  readonly timer: ReturnType<typeof setTimeout>
}

/**
 * Collects messages delivered to {@link Inbox.handler}.
 * @example
 * const inbox = new Inbox('node-b lobby')
 * pubsub.subscribe('lobby', inbox.handler)
 * const [first] = await inbox.waitFor(1)
 */
export class Inbox {
  /** Messages received so far, in arrival order. */
  readonly messages: Message[] = []
  readonly #label: string
  readonly #timeoutMs: number
  readonly #accept: (message: Message) => boolean
  #waiters: Waiter[] = []

  /**
   * @param label names the inbox in timeout errors.
   * @param timeoutMs how long `waitFor` waits before rejecting. @default 5000
   * @param accept messages failing this predicate are ignored. @default accept all
   */
  constructor(label: string, timeoutMs = 5000, accept: (message: Message) => boolean = () => true) {
    this.#label = label
    this.#timeoutMs = timeoutMs
    this.#accept = accept
  }

  /** Subscribe this; it records each accepted message. */
  readonly handler: Handler = (message) => {
    if (!this.#accept(message)) return
    this.messages.push(message)
    this.#wake()
  }

  /** Resolves with a copy of the messages once at least `count` arrived; rejects on timeout. */
  waitFor(count: number): Promise<Message[]> {
    if (this.messages.length >= count) return Promise.resolve([...this.messages])
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        this.#waiters = this.#waiters.filter((w) => w.timer !== timer)
        reject(new Error(this.#timeoutMessage(count)))
      }, this.#timeoutMs) // not unref'd: in-memory adapters may have nothing else keeping the loop alive
      this.#waiters.push({ count, resolve, timer })
    })
  }

  #wake(): void {
    const ready = this.#waiters.filter((w) => this.messages.length >= w.count)
    if (ready.length === 0) return
    this.#waiters = this.#waiters.filter((w) => this.messages.length < w.count)
    for (const w of ready) {
      clearTimeout(w.timer)
      w.resolve([...this.messages])
    }
  }

  #timeoutMessage(count: number): string {
    const got = this.messages.length
    return `${this.#label}: expected ${count} message(s) within ${this.#timeoutMs} ms, got ${got}`
  }
}
