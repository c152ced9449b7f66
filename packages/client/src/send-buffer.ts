// Sends made while the socket is not connected. Each entry is a closure that encodes and
// sends one message; they replay in order once a transport opens. One that throws (a
// payload the codec cannot encode) is reported and dropped without losing the others. The
// socket exposes the array itself as `sendBuffer`, so it is emptied in place, never replaced.

/** @internal Runs and forgets every pending send; `onError` hears about each one that threw. */
export function releaseSends(pending: Array<() => void>, onError: (error: unknown) => void): void {
  for (const send of pending.splice(0)) {
    try {
      send()
    } catch (error) {
      onError(error)
    }
  }
}
