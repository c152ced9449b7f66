// IPC messages between the fan-out benchmark (parent, the server) and its client process.
// Types only, shared by bench/fanout.ts and bench/fanout-clients.ts.

/** Parent → clients. */
export type ToClients =
  /** Open `count` more sockets to `url`, each joining `topic`. */
  | { readonly t: 'open'; readonly url: string; readonly topic: string; readonly count: number }
  /** Report `reached` once `count` broadcast frames (in total, all sockets) have arrived. */
  | { readonly t: 'expect'; readonly count: number }
  /** Terminate every socket and disconnect. */
  | { readonly t: 'close' }

/** Clients → parent. */
export type FromClients =
  | { readonly t: 'opened'; readonly total: number }
  | { readonly t: 'failed'; readonly error: string }
  | { readonly t: 'armed'; readonly count: number }
  | { readonly t: 'reached'; readonly count: number }
