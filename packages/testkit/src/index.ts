// Public surface of @plume/testkit (test-only, private): bounded waits, loopback ports,
// broker processes, NATS clusters and a fault-injecting TCP proxy. Typed phoenix.js, Chromium
// and pubsub scenarios are the ./phoenix, ./chromium and ./pubsub entry points, so a suite
// loads only what it uses.

export { Broker, startBroker } from './brokers.js'
export type { BrokerKind, BrokerOptions } from './brokers.js'
export { TestkitError } from './errors.js'
export type { TestkitErrorCode } from './errors.js'
export { freePort, openTcpSockets } from './net.js'
export { NatsCluster, startNatsCluster } from './nats-cluster.js'
export type { NatsClusterMember, NatsClusterOptions } from './nats-cluster.js'
export { TcpProxy } from './proxy.js'
export type { ProxyDirection, ProxyLink, TcpProxyOptions } from './proxy.js'
export { elapsed, waitFor, within, WITHIN_MS } from './wait.js'
export type { WaitForOptions } from './wait.js'
