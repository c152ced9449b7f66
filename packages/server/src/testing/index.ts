// @plume/server/testing: channel and presence tests in process, without a network, in the
// vocabulary of Phoenix.ChannelTest. Runner-agnostic (node:test, Vitest, Jest): failures
// are `AssertionError`s from node:assert. See docs/testing.md.

export { channelTest, ChannelTest } from './channel-test.js'
export type { ChannelTestOptions, ConnectOptions, Refused } from './channel-test.js'
export { socket, connect } from './standalone.js'
export { TestSocket } from './test-socket.js'
export type { JoinOutcome, Joined } from './test-socket.js'
export { TestChannel } from './test-channel.js'
export type { WaitOptions } from './test-channel.js'
export type { CloseInfo } from './memory-socket.js'
export { like, satisfying } from './match.js'
export type { Expected, Pattern } from './match.js'
export type { ChannelEvents, EventMap, EventsOf, PushRef } from './events.js'
export { ManualScheduler } from '@plume/tracker'
export { PresenceCluster } from './presence-cluster.js'
export type { PresenceClusterOptions } from './presence-cluster.js'
export { PresenceNode } from './presence-node.js'
export { assertPresenceState, assertPresenceDiff } from './presence-assert.js'
export type { ExpectedKeys, ExpectedDiff, PresenceAssertOptions } from './presence-assert.js'
