// Entry of the minified browser bundle (`dist/plume.min.js`): assigns the global `Plume` with
// the classes a <script> user needs, as phoenix.min.js exposes them. Assigning the global
// here (instead of esbuild's `globalName`) keeps ESM export helpers out of the bundle.
import { Channel } from './channel.js'
import { LongPoll } from './longpoll.js'
import { Presence } from './presence.js'
import { Push } from './push.js'
import { Socket } from './socket.js'

/** The shape of `window.Plume`. */
export interface PlumeGlobal {
  Socket: typeof Socket
  Channel: typeof Channel
  Presence: typeof Presence
  LongPoll: typeof LongPoll
  Push: typeof Push
}

;(globalThis as { Plume?: PlumeGlobal }).Plume = { Socket, Channel, Presence, LongPoll, Push }
