// Topic routing: exact topics or a prefix ending in one trailing `*`, matched
// in declaration order. Patterns are validated when the socket is defined.

import { ServerError } from './errors.js'
import type { ResolvedLimits } from './limits/options.js'
import type { KeyedCounter } from './limits/rate.js'
import type { TurnBudget } from './limits/turn-budget.js'
import type { ChannelHandler, ChannelModule } from './types.js'

/** Topic routing and limits of the socket a connection belongs to. */
export interface Router {
  route(topic: string): ChannelHandler | undefined
  readonly maxChannels: number
  /** @default DEFAULT_LIMITS */
  readonly limits?: ResolvedLimits
  /** Channels joined per topic on this socket (for `maxMembersPerTopic`). @default a new counter */
  readonly members?: KeyedCounter
  /** Inbound work per event-loop turn (`turnBudgetMs`), shared by the socket's connections. @default none */
  readonly turns?: TurnBudget
}

interface Route {
  readonly exact: boolean
  readonly key: string
  readonly module: ChannelModule
}

export class Routes {
  readonly #routes: readonly Route[]

  constructor(channels: ReadonlyArray<readonly [string, ChannelModule]>) {
    if (!Array.isArray(channels)) {
      throw new ServerError(
        'INVALID_CONFIG',
        'socket option `channels` must be an array of [pattern, handler] pairs',
      )
    }
    this.#routes = channels.map(([pattern, module]) => compile(pattern, module))
  }

  /** The handler for `topic` (a fresh instance when the route names a class), or undefined. */
  resolve(topic: string): ChannelHandler | undefined {
    const route = this.#routes.find((r) => (r.exact ? topic === r.key : topic.startsWith(r.key)))
    if (route === undefined) return undefined
    return typeof route.module === 'function' ? new route.module() : route.module
  }
}

function compile(pattern: unknown, module: unknown): Route {
  if (typeof pattern !== 'string' || pattern === '') {
    throw new ServerError(
      'INVALID_CONFIG',
      `channel pattern must be a non-empty string, got ${String(pattern)}`,
    )
  }
  const star = pattern.indexOf('*')
  if (star !== -1 && star !== pattern.length - 1) {
    throw new ServerError(
      'INVALID_CONFIG',
      `channel pattern ${JSON.stringify(pattern)}: '*' is only allowed once, at the end (e.g. "room:*")`,
    )
  }
  const isClass = typeof module === 'function'
  const isObject =
    typeof module === 'object' &&
    module !== null &&
    typeof (module as ChannelHandler).join === 'function'
  if (!isClass && !isObject) {
    throw new ServerError(
      'INVALID_CONFIG',
      `channel ${JSON.stringify(pattern)}: handler must have a join() method or be a class`,
    )
  }
  const exact = star === -1
  return { exact, key: exact ? pattern : pattern.slice(0, -1), module: module as ChannelModule }
}
