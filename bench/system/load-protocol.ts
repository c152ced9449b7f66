// Messages between a system benchmark (parent) and its load processes (load-client.ts).

/** Parent → load process. */
export type ToLoad =
  | {
      t: 'open'
      port: number
      from: number
      count: number
      maxKeys: number
      concurrency: number
      /** Clients per room (`room:g<index / roomSize>`); all in room:lobby when absent. */
      roomSize?: number
    }
  | { t: 'expect'; keys: number }
  | { t: 'stats' }
  | { t: 'close' }

/** Load process → parent. */
export type FromLoad =
  | { t: 'opened'; at: number }
  | { t: 'converged'; at: number }
  | {
      t: 'stats'
      frames: number
      bytes: number
      minView: number
      /** CPU time this load process used, in ms. */
      cpuMs: number
      /** Clients whose join was refused, then closed sockets by close code. */
      problems: Record<string, number>
    }
  | { t: 'failed'; error: string }
