// The official phoenix.js client with types: `import { Socket } from '@plume/testkit/phoenix'`
// instead of 'phoenix'. Each value is phoenix.js's own export, typed by phoenix-types.ts;
// each name is both the value and its instance type, as with a class.
import * as untyped from 'phoenix'
import type * as t from './phoenix-types.js'

export type {
  Message,
  OnJoin,
  OnLeave,
  PresenceDiff,
  PresenceEntry,
  PresenceState,
  SocketOptions,
  TransportConstructor,
} from './phoenix-types.js'

/** phoenix.js's Socket class. */
export const Socket = untyped.Socket as t.SocketConstructor
/** A phoenix.js socket instance. */
export type Socket = t.Socket

/** A phoenix.js channel (create one with `socket.channel()`). */
export type Channel = t.Channel

/** A push's reply handle. */
export type Push = t.Push

/** phoenix.js's Presence class (instance and static sync API). */
export const Presence = untyped.Presence as t.PresenceConstructor
/** A phoenix.js Presence instance. */
export type Presence = t.Presence

/** phoenix.js's long-poll transport class. */
export const LongPoll = untyped.LongPoll as t.LongPollConstructor
/** A phoenix.js LongPoll instance. */
export type LongPoll = t.LongPoll

/** phoenix.js's default (V2) serializer. */
export const Serializer = untyped.Serializer as t.Serializer
/** The serializer's shape. */
export type Serializer = t.Serializer
