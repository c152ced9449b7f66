// The @plume/server fixture for integration tests: a "room:*" channel that replies, broadcasts,
// crashes on request and simulates Presence (presence_state on join, presence_diff on join
// and leave), so client-side Presence can be exercised without the server's Presence.
import { Endpoint, error, ok, reply, type ChannelHandler, type Logger } from '@plume/server'

const quiet: Logger = { debug() {}, info() {}, warn() {}, error() {} }

type Meta = { phx_ref: string }
type State = Record<string, { metas: Meta[] }>

function room(endpoint: () => Endpoint): ChannelHandler<{ user: string }> {
  const tracked = new Map<string, Map<string, string>>() // topic -> user -> phx_ref
  let seq = 0
  const stateOf = (topic: string): State => {
    const state: State = {}
    for (const [user, ref] of tracked.get(topic) ?? []) state[user] = { metas: [{ phx_ref: ref }] }
    return state
  }
  return {
    join(topic, params, ch) {
      if (params['fail']) return error({ reason: 'denied' })
      ch.send('after_join')
      ch.onTerminate(() => {
        const users = tracked.get(topic)
        const ref = users?.get(ch.assigns.user)
        if (!users || ref === undefined) return
        users.delete(ch.assigns.user)
        const leaves = { [ch.assigns.user]: { metas: [{ phx_ref: ref }] } }
        void endpoint().broadcast(topic, 'presence_diff', { joins: {}, leaves })
      })
      return ok({ hello: ch.assigns.user })
    },
    async handleInfo(_msg, ch) {
      const users = tracked.get(ch.topic) ?? new Map<string, string>()
      tracked.set(ch.topic, users)
      const ref = `${ch.assigns.user}.${++seq}`
      users.set(ch.assigns.user, ref)
      ch.push('presence_state', stateOf(ch.topic))
      const joins = { [ch.assigns.user]: { metas: [{ phx_ref: ref }] } }
      await ch.broadcastFrom('presence_diff', { joins, leaves: {} })
      return undefined
    },
    async handleIn(event, payload, ch) {
      switch (event) {
        case 'ping':
          return reply('ok', { pong: payload as object })
        case 'error_me':
          return reply('error', { reason: 'asked for it' })
        case 'shout':
          await ch.broadcast('shout', payload as object)
          return reply('ok')
        case 'bin':
          return reply('ok', payload as Uint8Array)
        case 'crash':
          throw new Error('crash requested by the test')
        default:
          return reply('error', { reason: `unknown event ${event}` })
      }
    },
  }
}

export interface TestServer {
  endpoint: Endpoint
  port: number
  /** `ws://127.0.0.1:<port>/socket` */
  base: string
  /** Closes the endpoint and starts a fresh one on the same port. */
  restart(): Promise<void>
  close(): Promise<void>
}

/** Starts an endpoint on 127.0.0.1 (port 0 unless given) with one socket at /socket. */
export async function startServer(
  opts: { websocket?: boolean; port?: number } = {},
): Promise<TestServer> {
  const make = async (port: number) => {
    const endpoint: Endpoint = new Endpoint({ logger: quiet })
    endpoint.socket('/socket', {
      connect: (params, info) => ({
        user: params['user'] ?? params['user_id'] ?? info.authToken ?? 'anon',
      }),
      channels: [['room:*', room(() => endpoint)]],
      longpoll: true,
      websocket: opts.websocket ?? true,
    })
    const listening = await endpoint.listen({ port, host: '127.0.0.1' })
    return { endpoint, port: listening.port }
  }
  let current = await make(opts.port ?? 0)
  const server: TestServer = {
    endpoint: current.endpoint,
    port: current.port,
    base: `ws://127.0.0.1:${current.port}/socket`,
    async restart() {
      await current.endpoint.close()
      current = await make(current.port)
      server.endpoint = current.endpoint
    },
    close: () => current.endpoint.close(),
  }
  return server
}
