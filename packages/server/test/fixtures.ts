// A channel exercising every callback and result kind, driven by event names, plus a log
// of terminate calls the tests inspect.

import {
  error,
  noReply,
  ok,
  reply,
  stop,
  type ChannelHandler,
  type TerminateReason,
} from '@plume/server'
import { startEndpoint } from './helpers.js'

export const terminated: Array<{ topic: string; reason: TerminateReason }> = []

interface Later {
  later: ReturnType<Parameters<NonNullable<ChannelHandler['handleIn']>>[2]['captureReply']>
}

export const RoomChannel: ChannelHandler<{ user?: string }> = {
  intercept: ['secret'],
  join(_topic, params, ch) {
    if (params['crash'] === true) throw new Error('join boom')
    if (params['reject'] === true) return error({ reason: 'rejected' })
    if (params['push_in_join'] === true) ch.push('early', { n: 1 })
    if (params['after_join'] === true) ch.send('after_join')
    return params['reply'] === true ? ok({ welcome: ch.assigns.user ?? 'anon' }) : ok()
  },
  async handleIn(event, payload, ch) {
    switch (event) {
      case 'echo':
        return reply('ok', payload as object)
      case 'noreply':
        return noReply()
      case 'later':
        ch.send({ later: ch.captureReply() })
        return noReply()
      case 'push':
        ch.push('pushed', payload as object)
        return undefined
      case 'broadcast':
        await ch.broadcast('shout', payload as object)
        return reply('ok')
      case 'broadcast_from':
        await ch.broadcastFrom('shout', payload as object)
        return reply('ok')
      case 'secret':
        await ch.broadcast('secret', payload as object)
        return reply('ok')
      case 'stop':
        return stop('normal', reply('ok', { bye: true }))
      case 'stop_crash':
        return stop('boom')
      case 'crash':
        throw new Error('handleIn boom')
      case 'binary':
        ch.push('bin', new Uint8Array([9, 8, 7]))
        return reply('ok', payload as Uint8Array)
      case 'bad_result':
        return 42 as never
      default:
        return reply('error', { unknown: event })
    }
  },
  handleInfo(message, ch) {
    if (message === 'after_join') ch.push('after_join', {})
    else if (typeof message === 'object' && message !== null && 'later' in message) {
      ch.reply((message as Later).later, 'ok', { late: true })
    }
    return undefined
  },
  handleOut(event, payload, ch) {
    ch.push(event, { ...(payload as object), seen_by: ch.ownerId })
    return undefined
  },
  terminate(reason, ch) {
    terminated.push({ topic: ch.topic, reason })
  },
}

/** The raw-frame suites' endpoint: `room:*` and `exact:topic`, at most 3 channels a connection. */
export function startRoomEndpoint() {
  return startEndpoint({
    connect: (params) => ({ user: params['user'] ?? 'anon' }),
    channels: [
      ['room:*', RoomChannel],
      ['exact:topic', { join: () => ({ type: 'ok', response: { exact: true } }) }],
    ],
    maxChannels: 3,
  })
}
