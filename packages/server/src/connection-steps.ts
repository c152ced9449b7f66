// Steps of frame handling that need only a narrow view of the connection: the rate and
// topic limits, the answer to a frame that cannot be decoded, a join's routing and the
// limit it ran into, and the duplicate-join handover.

import { replyMessage, type Frame, type Message } from '@plume/protocol'
import type { Channel } from './channel.js'
import { classifyBadFrame } from './frame-errors.js'
import type { ConnectionGuard } from './limits/connection-guard.js'
import type { ResolvedLimits } from './limits/options.js'
import type { Router } from './routes.js'
import type { Scheduler } from './time.js'
import { CloseCode } from './transports/socket-like.js'
import type { ChannelHandler, Logger, TerminateReason } from './types.js'
import { isPayload } from './validate.js'

/** What these steps need of a connection. */
export interface StepHost {
  readonly id: number
  readonly logger: Logger
  write(message: Message): void
  close(code: number, closeReason: string, reason: TerminateReason): void
}

/** Upstream waits this long for a replaced channel's terminate before killing it. */
const DUPLICATE_JOIN_KILL_MS = 5000

/** The rate and topic limits; false once the frame has been answered (or the socket closed). */
export function admitMessage(
  host: StepHost,
  guard: ConnectionGuard,
  msg: Message,
  now: number,
): boolean {
  const verdict = guard.admitFrame(now)
  const reason = verdict === 'handle' ? guard.checkTopic(msg.topic) : 'rate limited'
  if (verdict === 'close') {
    host.logger.warn('plume: rate limit exceeded; closing', { connection: host.id })
    host.close(CloseCode.policyViolation, 'rate limit exceeded', 'closed')
  } else if (reason !== undefined) {
    host.write(replyMessage(msg.joinRef, msg.ref, msg.topic, 'error', { reason }))
  }
  return verdict === 'handle' && reason === undefined
}

/** An error reply when the frame names a topic and ref, else a close with the right code. */
export function answerBadFrame(host: StepHost, frame: Frame, error: unknown): void {
  const action = classifyBadFrame(frame, error)
  host.logger.warn('plume: invalid frame', { connection: host.id, action: action.kind, error })
  if (action.kind === 'reply') {
    host.write(
      replyMessage(null, action.ref, action.topic, 'error', {
        reason: 'invalid message',
        message: action.reason,
      }),
    )
  } else {
    host.close(action.code, action.reason, 'closed')
  }
}

/** Duplicate join: stop the live instance first; returns its join_ref for the late phx_close. */
export async function replaceExisting(
  existing: Channel | undefined,
  scheduler: Scheduler,
  logger: Logger,
): Promise<string | undefined> {
  if (existing === undefined) return undefined
  logger.info('plume: duplicate join; closing the previous instance', { topic: existing.topic })
  let cancel = (): void => {}
  const killed = new Promise<void>((resolve) => {
    cancel = scheduler.after(DUPLICATE_JOIN_KILL_MS, resolve)
  })
  await Promise.race([existing.exitAfterPending('duplicate_join'), killed])
  cancel()
  existing.kill('duplicate_join')
  // If a queued leave or stop ended it first, its phx_close is already out.
  return existing.exitReason === 'duplicate_join' ? existing.joinRef : undefined
}

/** The limit a refused join ran into, with its configured maximum, for the limit event. */
export function joinLimitHit(
  limits: ResolvedLimits,
  router: Router,
  full: boolean,
  refusal: string,
): [string, number] {
  if (full) return ['max_channels', router.maxChannels]
  return refusal === 'topic full'
    ? ['max_members_per_topic', limits.maxMembersPerTopic]
    : ['joins_per_window', limits.joinsPerWindow]
}

/** Checks a join's params and routes its topic; undefined once a refusal has been written. */
export function routeJoin(
  host: StepHost,
  router: Router,
  msg: Message,
  joinRef: string,
  refuse: (jr: string | null, reason: string) => void,
): ChannelHandler | undefined {
  const { topic } = msg
  if (!isPayload(msg.payload) || msg.payload instanceof Uint8Array) {
    host.logger.warn('plume: join params are not an object', { topic })
    refuse(joinRef, 'join params must be an object')
    return undefined
  }
  let handler: ChannelHandler | undefined
  try {
    handler = router.route(topic)
  } catch (error) {
    // A channel class whose constructor throws: the join crashed, the connection lives on.
    host.logger.error('plume: join crashed', { topic, error })
    refuse(joinRef, 'join crashed')
    return undefined
  }
  if (handler === undefined) {
    host.logger.warn('plume: join to an unmatched topic', { topic })
    refuse(null, 'unmatched topic')
  }
  return handler
}
