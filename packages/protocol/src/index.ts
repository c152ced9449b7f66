// Public surface of @plume/protocol: wire types, reserved names, the V1/V2 serializers and
// vsn negotiation. Isomorphic (Node and browsers), zero dependencies. See docs/protocol.md.

export type { Message, ReplyPayload, Frame, ServerSerializer, ClientSerializer } from './types.js'
export type { ProtocolErrorCode } from './errors.js'
export { ProtocolError } from './errors.js'
export { Events, PHOENIX_TOPIC, DEFAULT_VSN, replyMessage, isReplyPayload } from './events.js'
export { MAX_FIELD_BYTES } from './binary.js'
export { v1Serializer } from './v1.js'
export { v2Serializer, v2ClientSerializer } from './v2.js'
export { negotiateSerializer, defaultSerializers } from './negotiate.js'
export { versionMatches } from './version.js'
export { bytesToBase64, base64ToBytes } from './base64.js'
