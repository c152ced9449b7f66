// The seed's room:lobby app: a socket at /socket whose connect assigns `user_id` from the
// params, a `room:*` channel that pushes `presence_state` after join and tracks the user,
// and a tiny static server for the page. Used by `npm start`, the cluster demo and tests.
import { readFile } from 'node:fs/promises'
import type { IncomingMessage, Server, ServerResponse } from 'node:http'
import { createServer } from 'node:http'
import { Endpoint, Presence, ok, error, noReply, reply } from '@plume/server'
import type {
  ChannelHandler,
  LimitOptions,
  Logger,
  LongPollOptions,
  PresenceOptions,
} from '@plume/server'
import type { PubSub } from '@plume/pubsub'
import { PHOENIX_TRACKER, Tracker } from '@plume/tracker'
import type { Scheduler } from '@plume/tracker'
import { createOps, type OpsOptions } from './ops.js'
import { connectWith, serveToken, type LobbyAuth } from './auth.js'

type Assigns = { user_id: string }

/** Options of {@link createLobby}. */
export interface LobbyOptions extends OpsOptions {
  pubsub: PubSub
  /** Directory holding index.html and app.js. */
  publicDir: string
  broadcastPeriod?: number
  downPeriod?: number | undefined
  permdownPeriod?: number | undefined
  /** Phoenix.Tracker's timing (`PHOENIX_TRACKER`), for side-by-side baselines. @default false */
  phoenixTracker?: boolean
  scheduler?: Scheduler
  logger?: Logger
  /** Presence's diff merging; `false` sends one diff per change as Phoenix does. @default on */
  coalesce?: PresenceOptions['coalesce']
  /** Long-poll options (e.g. the token prefix a cluster worker needs). @default enabled, defaults */
  longpoll?: LongPollOptions
  /** The socket's abuse limits. @default @plume/server's DEFAULT_LIMITS */
  limits?: LimitOptions
  /** Who a connection is: the `user_id` param, or a signed token. @default { mode: 'params' } */
  auth?: LobbyAuth
  /** Every `room:*` topic is a room with its own presence list. @default false: room:lobby only */
  anyRoom?: boolean
  /**
   * Count-only rooms, for huge rooms: members get `presence_count` (`{count}`) after join and
   * as it changes, not the list; they can ask for it with a `list` message. @default false
   */
  countOnly?: boolean
}

type RoomOptions = Pick<LobbyOptions, 'anyRoom' | 'countOnly'>

function roomChannel(presence: Presence, rooms: RoomOptions): ChannelHandler<Assigns> {
  return {
    join(topic, _params, ch) {
      if (rooms.anyRoom !== true && topic !== 'room:lobby') return error({ reason: 'unknown room' })
      ch.send('after_join')
      return ok()
    },
    async handleInfo(message, ch) {
      if (message !== 'after_join') return noReply()
      if (rooms.countOnly === true) ch.push('presence_count', { count: presence.count(ch) })
      else ch.push('presence_state', await presence.list(ch))
      presence.track(ch, ch.assigns.user_id, { online_at: String(Math.floor(Date.now() / 1000)) })
      return noReply()
    },
    // The full list on demand: how a member of a count-only room sees who is there.
    async handleIn(event, _payload, ch) {
      if (event !== 'list') return reply('error', { reason: 'unknown event' })
      return reply('ok', await presence.list(ch))
    },
  }
}

/** A lobby node: the endpoint, its presence and an http server serving the page. */
export function createLobby(options: LobbyOptions) {
  const endpoint = new Endpoint({
    pubsub: options.pubsub,
    ...(options.logger && { logger: options.logger }),
  })
  const auth = options.auth ?? { mode: 'params' }
  const tracker = createTracker(options)
  const presence = new Presence({
    tracker,
    sink: endpoint,
    ...(options.coalesce !== undefined && { coalesce: options.coalesce }),
    ...(options.scheduler && { scheduler: options.scheduler }),
    ...(options.countOnly === true && { countOnly: () => true }),
  })
  endpoint.socket('/socket', {
    connect: connectWith(auth),
    channels: [['room:*', roomChannel(presence, options)]],
    longpoll: options.longpoll ?? true,
    ...(options.limits && { limits: options.limits }),
  })
  const ops = createOps(endpoint, tracker, options)
  const http = createServer((req, res) => {
    if (!ops.handle(req, res) && !serveToken(auth, req, res))
      void serveStatic(options.publicDir, req, res)
  })
  endpoint.attach(http)
  return {
    endpoint,
    presence,
    tracker,
    http,
    metrics: ops.metrics,
    async listen(port: number, host = '127.0.0.1'): Promise<number> {
      await options.pubsub.start()
      await presence.start()
      return listenOn(http, port, host)
    },
    /** Drains clients (1012) first, then stops presence (graceful: peers drop us at once). */
    async close(opts: { graceful?: boolean } = {}): Promise<void> {
      await endpoint.drain()
      await presence.stop(opts)
      await endpoint.close()
      ops.close()
      await closeHttp(http)
      await options.pubsub.close()
    },
  }
}

function createTracker(options: LobbyOptions): Tracker {
  return new Tracker({
    pubsub: options.pubsub,
    ...(options.phoenixTracker === true && PHOENIX_TRACKER),
    ...(options.broadcastPeriod !== undefined && { broadcastPeriod: options.broadcastPeriod }),
    ...(options.downPeriod !== undefined && { downPeriod: options.downPeriod }),
    ...(options.permdownPeriod !== undefined && { permdownPeriod: options.permdownPeriod }),
    ...(options.scheduler && { scheduler: options.scheduler }),
    ...(options.logger && { logger: options.logger }),
  })
}

async function listenOn(http: Server, port: number, host: string): Promise<number> {
  await new Promise<void>((resolve, reject) => {
    http.once('error', reject)
    http.listen(port, host, () => {
      http.off('error', reject)
      resolve()
    })
  })
  const address = http.address()
  return typeof address === 'object' && address ? address.port : port
}

async function closeHttp(http: Server): Promise<void> {
  // Browsers keep idle HTTP connections open; without this, close waits for them.
  const closed = new Promise<void>((resolve) => http.close(() => resolve()))
  http.closeAllConnections()
  await closed
}

export type Lobby = ReturnType<typeof createLobby>

const TYPES: Record<string, string> = {
  '/': 'text/html; charset=utf-8',
  '/app.js': 'text/javascript; charset=utf-8',
}

async function serveStatic(dir: string, req: IncomingMessage, res: ServerResponse): Promise<void> {
  const path = new URL(req.url ?? '/', 'http://localhost').pathname
  const type = TYPES[path]
  if (req.method !== 'GET' || type === undefined) {
    res.writeHead(404, { 'content-type': 'text/plain' }).end('not found\n')
    return
  }
  try {
    const body = await readFile(`${dir}/${path === '/' ? 'index.html' : 'app.js'}`)
    res.writeHead(200, { 'content-type': type, 'cache-control': 'no-store' }).end(body)
  } catch {
    res.writeHead(500, { 'content-type': 'text/plain' }).end('page not built: run npm run build\n')
  }
}
