// The official `phoenix` npm client ships no types. This is the only ambient declaration of
// it in the repo: every export is `unknown` here, and phoenix.ts gives each its real type.
declare module 'phoenix' {
  export const Socket: unknown
  export const Channel: unknown
  export const Presence: unknown
  export const LongPoll: unknown
  export const Serializer: unknown
}
