// Serializer negotiation from the `vsn` query parameter (docs/protocol.md "Serializer
// negotiation"): absent means "1.0.0"; the first serializer whose requirement matches wins.

import type { ServerSerializer } from './types.js'
import { v1Serializer } from './v1.js'
import { v2Serializer } from './v2.js'
import { parseVersion, versionMatches } from './version.js'

/** The serializers a server offers by default, in priority order. */
export const defaultSerializers: readonly ServerSerializer[] = Object.freeze([
  v1Serializer,
  v2Serializer,
])

/**
 * Picks the serializer for a connection. Returns undefined when `vsn` is unparsable or
 * matches nothing; the server then refuses the connection (WebSocket 403, long-poll
 * `{"status":403}`). Throws `INVALID_REQUIREMENT` if a serializer's requirement is malformed.
 *
 * @example
 * negotiateSerializer(undefined)  // v1Serializer
 * negotiateSerializer('2.0.0')    // v2Serializer
 * negotiateSerializer('123.1.1')  // undefined
 */
export function negotiateSerializer(
  vsn: string | undefined,
  serializers: readonly ServerSerializer[] = defaultSerializers,
): ServerSerializer | undefined {
  const version = vsn ?? '1.0.0'
  if (parseVersion(version) === undefined) return undefined
  return serializers.find((s) => versionMatches(version, s.requirement))
}
