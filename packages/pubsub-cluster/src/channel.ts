// The worker's end of the IPC channel, behind a small interface so the adapter does not
// reach for `process` itself (and a test can hand it any channel).

/** A worker's message channel to the cluster primary. */
export interface WorkerChannel {
  /** Sends `message`; `done` runs once it is written, or with the error if it cannot be. */
  send(message: object, done: (error: Error | null) => void): void
  /** Calls `listener` for every message from the primary; returns the unsubscribe function. */
  subscribe(listener: (message: unknown) => void): () => void
}

/**
 * This process's IPC channel to its parent (a node:cluster worker's channel to the primary).
 * @throws Error when the process has no IPC channel (it was not forked).
 */
export function processChannel(): WorkerChannel {
  if (typeof process.send !== 'function') {
    throw new Error(
      'ClusterAdapter needs a node:cluster worker: this process has no IPC channel ' +
        '(fork it with cluster.fork() from a primary that called startClusterHub())',
    )
  }
  return {
    send(message, done) {
      if (!process.connected) return done(new Error('the IPC channel to the primary is closed'))
      process.send?.(message, undefined, undefined, done)
    },
    subscribe(listener) {
      process.on('message', listener)
      return () => process.off('message', listener)
    },
  }
}
