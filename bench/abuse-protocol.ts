// IPC messages between the abuse benchmark (parent) and its server and load processes.

/** What the server process reports. */
export type FromServer =
  | { t: 'listening'; port: number }
  | {
      t: 'report'
      rssStart: number
      rssMax: number
      closes: Record<string, number>
      /** The server's event-loop delay over the run, in ms. */
      delay: { p99: number; max: number }
    }

/** A load role: each runs in its own process over real sockets. */
export type Role = 'flood' | 'stalled' | 'churn' | 'good'

/** What a load process reports when its run ends. */
export interface LoadReport {
  readonly t: 'done'
  readonly role: Role
  /** flood: frames written before the cut-off; churn: joins answered ok; good: heartbeats. */
  readonly count: number
  /** flood: ms from the first frame to the disconnect (-1: never). */
  readonly cutOffMs: number
  /** good: heartbeat round trips in ms. */
  readonly rtts: readonly number[]
  /** churn: joins refused by a limit. */
  readonly refused: number
}
