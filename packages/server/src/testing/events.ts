// Type-level declarations of a channel's events, so tests are checked against what the
// channel says it handles and sends. Nothing here exists at run time. A channel declares
// its events with a type-only `events` field (`declare readonly events?: RoomEvents` in a
// class, or `ChannelHandler<A> & { events?: RoomEvents }` for an object); a test can also
// name them explicitly (`subscribeAndJoin<RoomEvents>(topic)`).

/** Event name → payload. */
export type EventMap = Record<string, unknown>

/** What a channel declares; every part is optional and an omitted part stays untyped. */
export interface ChannelEvents {
  /** Params of `phx_join`. */
  readonly joinParams?: object
  /** Response of a successful join. */
  readonly joinReply?: unknown
  /** Client pushes handled by `handleIn`: event → payload. */
  readonly in?: EventMap
  /** Replies to client pushes: event → response. */
  readonly replies?: EventMap
  /** Pushes the client receives (`ch.push`, broadcasts, `handleOut`): event → payload. */
  readonly out?: EventMap
  /** Broadcasts on the channel's topic: event → payload. */
  readonly broadcasts?: EventMap
}

type Untyped = Record<string, unknown>

/** One declared part, or the untyped fallback when the part is missing or optional. */
type Part<E, K extends keyof ChannelEvents> = K extends keyof E
  ? undefined extends E[K]
    ? Untyped
    : E[K]
  : Untyped

/** Events a test may push to the channel. */
export type InEvent<E> = keyof Part<E, 'in'> & string
/** Payload of a pushed event. */
export type InPayload<E, K extends string> = Lookup<Part<E, 'in'>, K, object>
/** Response of the reply to a pushed event. */
export type ReplyOf<E, K extends string> = Lookup<Part<E, 'replies'>, K, unknown>
/** Events the client may receive as pushes; `phx_close`/`phx_error` end the channel. */
export type OutEvent<E> = (keyof Part<E, 'out'> & string) | 'phx_close' | 'phx_error'
/** Payload of a received push. */
export type OutPayload<E, K extends string> = Lookup<Part<E, 'out'>, K, unknown>
/** Events broadcast on the topic. */
export type BroadcastEvent<E> = keyof Part<E, 'broadcasts'> & string
/** Payload of a broadcast event. */
export type BroadcastPayload<E, K extends string> = Lookup<Part<E, 'broadcasts'>, K, unknown>
/** Params of the join. */
export type JoinParams<E> = 'joinParams' extends keyof E ? NonNullable<E['joinParams']> : object
/** Response of a successful join. */
export type JoinReply<E> = 'joinReply' extends keyof E ? E['joinReply'] : unknown

type Lookup<M, K extends string, Fallback> = K extends keyof M
  ? unknown extends M[K]
    ? Fallback
    : M[K]
  : Fallback

/** The events a channel module declares through a type-only `events` field. */
export type EventsOf<H> = H extends abstract new (...args: never[]) => infer I
  ? DeclaredBy<I>
  : DeclaredBy<H>

type DeclaredBy<H> = H extends { readonly events?: infer E }
  ? NonNullable<E> extends ChannelEvents
    ? NonNullable<E>
    : ChannelEvents
  : ChannelEvents

declare const refEvent: unique symbol

/** The ref of a push, remembering its event so `assertReply` knows the reply's type. */
export type PushRef<K extends string = string> = string & { readonly [refEvent]?: K }
