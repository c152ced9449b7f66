// Entry of the minified browser bundle (`dist/plume.min.js`, global `Plume`): the classes a
// <script> user needs, as phoenix.min.js exposes them.
export { Socket } from './socket.js'
export { Channel } from './channel.js'
export { Presence } from './presence.js'
export { LongPoll } from './longpoll.js'
export { Push } from './push.js'
