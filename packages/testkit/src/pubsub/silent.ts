// Harness for the "silently dead connection" regressions of the Redis and NATS adapters: each
// adapter talks to its broker through a TcpProxy that the test cuts (TCP stays open, nothing
// gets through), and close() must still end within its bound without leaving a socket behind.
import assert from 'node:assert/strict'
import { after, before } from 'node:test'
import type { Adapter } from '@plume/pubsub'
import { startBroker } from '../brokers.js'
import type { Broker, BrokerKind } from '../brokers.js'
import { TestkitError } from '../errors.js'
import { openTcpSockets } from '../net.js'
import { TcpProxy } from '../proxy.js'
import { elapsed, waitFor, within } from '../wait.js'
import { Inbox, RecordingLogger } from './recorders.js'

/** Timers never fire early by more than rounding, in milliseconds. */
export const SILENT_EARLY_MS = 5
/** How late a bounded operation may settle on a loaded machine, in milliseconds. */
export const SILENT_SLACK_MS = 1500

/** One started adapter behind its own proxy, ready to be cut. */
export interface SilentCut<A extends Adapter> {
  readonly adapter: A
  readonly proxy: TcpProxy
  readonly logger: RecordingLogger
  /** TCP sockets of the process before the adapter connected. */
  readonly baseline: number
}

/** How {@link silentConnectionHarness} builds adapters of one kind. */
export interface SilentHarnessOptions<A extends Adapter, O> {
  /** The broker to start for the test file; also the log prefix ("redis close timed out"). */
  readonly kind: BrokerKind
  /** The adapters' closeTimeoutMs, which close() must honour on a cut connection. */
  readonly closeMs: number
  /** A new, not yet started adapter that connects through `proxy` and logs to `logger`. */
  readonly makeAdapter: (
    proxy: TcpProxy,
    logger: RecordingLogger,
    nodeName: string,
    extra: O | undefined,
  ) => A
}

/** What {@link silentConnectionHarness} hands to the test file. */
export interface SilentHarness<A extends Adapter, O> {
  /** The file's broker (started in `before`). */
  readonly server: Broker
  /** Starts a new adapter behind a fresh proxy; `extra` goes to `makeAdapter`. */
  readonly start: (extra?: O) => Promise<SilentCut<A>>
  /** close() takes at least, and not much more than, closeMs and drops every socket. */
  readonly closeWithinBound: (cut: SilentCut<A>) => Promise<void>
}

/**
 * Registers `before`/`after` hooks in the current `describe` that run one broker and close
 * every proxy, and returns the helpers the silent-connection tests share.
 */
export function silentConnectionHarness<A extends Adapter, O>(
  options: SilentHarnessOptions<A, O>,
): SilentHarness<A, O> {
  let server: Broker | undefined
  const proxies: TcpProxy[] = []
  before(async () => {
    server = await startBroker(options.kind)
  })
  after(async () => {
    await Promise.all(proxies.map((p) => p.close()))
    await server?.stop()
  })
  const running = (): Broker => {
    if (server === undefined) throw new TestkitError('INVALID_STATE', 'the broker is not started')
    return server
  }
  return {
    get server() {
      return running()
    },
    start: async (extra) => {
      const proxy = await TcpProxy.start(running().port)
      proxies.push(proxy)
      const logger = new RecordingLogger()
      const baseline = openTcpSockets()
      const adapter = options.makeAdapter(proxy, logger, `n${proxies.length}`, extra)
      await adapter.start(new Inbox().deliver)
      return { adapter, proxy, logger, baseline }
    },
    closeWithinBound: (cut) => closeWithinBound(cut, options.kind, options.closeMs),
  }
}

/**
 * Awaits `promise` (bounded by `boundMs` plus slack) and asserts that it did not settle
 * before `boundMs`; `tooEarly` words the failure from the measured milliseconds.
 */
export async function settlesAtBound<T>(
  promise: Promise<T>,
  label: string,
  boundMs: number,
  tooEarly: (took: number) => string,
): Promise<T> {
  const started = performance.now()
  const value = await within(promise, label, boundMs + SILENT_SLACK_MS)
  const took = elapsed(started)
  assert.ok(took >= boundMs - SILENT_EARLY_MS, tooEarly(took))
  return value
}

async function closeWithinBound(
  cut: SilentCut<Adapter>,
  label: string,
  closeMs: number,
): Promise<void> {
  await settlesAtBound(
    cut.adapter.close(),
    'close() on a silent connection',
    closeMs,
    (took) => `close() gave up after ${took} ms, before its bound`,
  )
  await cut.logger.line('warn', `${label} close timed out`)
  // Its sockets are gone although the silent peer never answered their FIN.
  await waitFor(
    'the adapter to hold no socket',
    () => openTcpSockets() <= cut.baseline + cut.proxy.openSockets,
    {
      timeoutMs: 1000,
      describe: () => ({ all: openTcpSockets(), proxy: cut.proxy.openSockets }),
    },
  )
}
