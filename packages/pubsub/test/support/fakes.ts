// Test doubles shared by the pubsub tests: a logger that records, and an adapter that
// records calls and lets the test play the remote side.

import type { Adapter, Logger, RemoteMessage } from '@plume/pubsub'

export interface LogLine {
  level: 'debug' | 'info' | 'warn' | 'error'
  msg: string
  data: Record<string, unknown> | undefined
}

export function captureLogger(): Logger & { lines: LogLine[] } {
  const lines: LogLine[] = []
  const at =
    (level: LogLine['level']) =>
    (msg: string, data?: Record<string, unknown>): void => {
      lines.push({ level, msg, data })
    }
  return { lines, debug: at('debug'), info: at('info'), warn: at('warn'), error: at('error') }
}

/** An adapter whose sends are recorded and whose `deliver` the test calls directly. */
export class SpyAdapter implements Adapter {
  readonly nodeName: string
  readonly sent: { kind: 'broadcast' | 'direct'; node?: string; msg: RemoteMessage }[] = []
  starts = 0
  closes = 0
  failStart: Error | null = null
  failSend: Error | null = null
  deliver: ((msg: RemoteMessage) => void) | null = null

  constructor(nodeName = 'spy') {
    this.nodeName = nodeName
  }

  async start(deliver: (msg: RemoteMessage) => void): Promise<void> {
    this.starts++
    if (this.failStart) throw this.failStart
    this.deliver = deliver
  }

  async broadcast(msg: RemoteMessage): Promise<void> {
    this.sent.push({ kind: 'broadcast', msg })
    if (this.failSend) throw this.failSend
  }

  async directBroadcast(node: string, msg: RemoteMessage): Promise<void> {
    this.sent.push({ kind: 'direct', node, msg })
    if (this.failSend) throw this.failSend
  }

  async close(): Promise<void> {
    this.closes++
  }
}
