// Just enough typing of the official `phoenix` client (which ships none) for the presence
// baseline: the static sync functions, with the data shapes they take.
declare module 'phoenix' {
  export type PhoenixState = Record<string, { metas: Array<Record<string, unknown>> }>
  export class Presence {
    static syncState(current: PhoenixState, next: PhoenixState): PhoenixState
    static syncDiff(
      state: PhoenixState,
      diff: { joins: PhoenixState; leaves: PhoenixState },
    ): PhoenixState
  }
}
