// The official `phoenix` client ships no types; the differential test only needs the
// constructors, which it drives through the untyped ClientImpl shape.
/* eslint-disable @typescript-eslint/no-explicit-any -- phoenix.js is untyped */
declare module 'phoenix' {
  export const Socket: new (endPoint: string, opts?: Record<string, unknown>) => any
  export const LongPoll: new (endPoint: string, protocols?: string[]) => any
  export const Presence: {
    syncState(current: any, next: any): any
    syncDiff(current: any, diff: any): any
    list(presences: any, chooser: (id: string, p: any) => unknown): unknown[]
  }
}
