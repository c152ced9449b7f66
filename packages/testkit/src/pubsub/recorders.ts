// Test doubles that turn adapter callbacks into awaitable events: an Inbox for delivered
// messages and a RecordingLogger for log lines. Every wait is bounded by a timeout.
import type { Logger, RemoteMessage } from '@plume/pubsub'
import { TestkitError } from '../errors.js'

interface Waiter<T> {
  readonly match: (item: T) => boolean
  readonly resolve: (item: T) => void
}

/** Collects items and resolves waiters when a matching one arrives (or already had). */
export class Recorder<T> {
  /** Every item so far, in arrival order. */
  readonly items: T[] = []
  readonly #waiters = new Set<Waiter<T>>()

  /** Records `item` and wakes the waiters it matches. */
  push(item: T): void {
    this.items.push(item)
    for (const waiter of this.#waiters) {
      if (waiter.match(item)) {
        this.#waiters.delete(waiter)
        waiter.resolve(item)
      }
    }
  }

  /** Resolves with the first past or future item matching `match`; rejects after `timeoutMs`. */
  waitFor(match: (item: T) => boolean, what: string, timeoutMs = 3000): Promise<T> {
    const seen = this.items.find(match)
    if (seen !== undefined) return Promise.resolve(seen)
    return new Promise<T>((resolve, reject) => {
      const timer = setTimeout(() => {
        this.#waiters.delete(waiter)
        reject(new TestkitError('TIMEOUT', `timed out after ${timeoutMs} ms waiting for ${what}`))
      }, timeoutMs)
      const waiter: Waiter<T> = {
        match,
        resolve: (item) => {
          clearTimeout(timer)
          resolve(item)
        },
      }
      this.#waiters.add(waiter)
    })
  }
}

/** Receives what an adapter delivers. */
export class Inbox extends Recorder<RemoteMessage> {
  /** Pass this to `adapter.start()`. */
  readonly deliver = (msg: RemoteMessage): void => this.push(msg)

  /** Waits for a message on `topic`. */
  topic(topic: string, timeoutMs?: number): Promise<RemoteMessage> {
    return this.waitFor((m) => m.topic === topic, `a message on "${topic}"`, timeoutMs)
  }
}

/** One recorded log call. */
export interface LogEntry {
  readonly level: keyof Logger
  readonly msg: string
  readonly data: Record<string, unknown> | undefined
}

/** A Logger that records every call. */
export class RecordingLogger extends Recorder<LogEntry> implements Logger {
  debug(msg: string, data?: Record<string, unknown>): void {
    this.push({ level: 'debug', msg, data })
  }
  info(msg: string, data?: Record<string, unknown>): void {
    this.push({ level: 'info', msg, data })
  }
  warn(msg: string, data?: Record<string, unknown>): void {
    this.push({ level: 'warn', msg, data })
  }
  error(msg: string, data?: Record<string, unknown>): void {
    this.push({ level: 'error', msg, data })
  }

  /** Waits for a `level` line whose text contains `fragment`. */
  line(level: keyof Logger, fragment: string, timeoutMs?: number): Promise<LogEntry> {
    return this.waitFor(
      (e) => e.level === level && e.msg.includes(fragment),
      `a ${level} log containing "${fragment}"`,
      timeoutMs,
    )
  }

  /** Number of `level` lines containing `fragment` so far. */
  count(level: keyof Logger, fragment: string): number {
    return this.items.filter((e) => e.level === level && e.msg.includes(fragment)).length
  }

  /** The warn and error lines so far (a healthy run has none). */
  problems(): LogEntry[] {
    return this.items.filter((e) => e.level === 'warn' || e.level === 'error')
  }
}
