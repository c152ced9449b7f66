// The `plume:dashboard` channel: pushes a `snapshot` right after join and then every
// interval; `watch` {topic} picks the topic whose members the snapshots include and is
// answered with a fresh snapshot at once.
import { noReply, ok, reply, type ChannelHandler } from '@plume/server'
import { takeSnapshot, type SnapshotSource } from './snapshot.js'

/** The dashboard channel's topic. */
export const DASHBOARD_TOPIC = 'plume:dashboard'

const MAX_TOPIC = 1024
const TICK = 'dashboard:tick'

type Assigns = { watched?: string }

/** The channel handler, pushing snapshots of `source` every `intervalMs`. */
export function dashboardChannel(
  source: SnapshotSource,
  intervalMs: number,
): ChannelHandler<Assigns> {
  const timers = new WeakMap<object, NodeJS.Timeout>()
  return {
    join(_topic, _params, ch) {
      ch.onTerminate(() => clearTimeout(timers.get(ch)))
      ch.send(TICK)
      return ok()
    },
    async handleInfo(message, ch) {
      if (message !== TICK) return noReply()
      ch.push('snapshot', { ...(await takeSnapshot(source, ch.assigns.watched)) })
      timers.set(ch, setTimeout(() => ch.send(TICK), intervalMs).unref())
      return noReply()
    },
    async handleIn(event, payload, ch) {
      if (event !== 'watch') return reply('error', { reason: `unknown event ${event}` })
      const topic = (payload as { topic?: unknown } | null)?.topic
      if (typeof topic !== 'string' || topic.length === 0 || topic.length > MAX_TOPIC)
        return reply('error', { reason: 'watch needs {topic: a non-empty string}' })
      ch.assign('watched', topic)
      return reply('ok', { ...(await takeSnapshot(source, topic)) })
    },
  }
}
