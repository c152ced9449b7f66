// Base64 helpers over btoa/atob (present in browsers and Node 20). Strings go through UTF-8,
// so non-Latin-1 auth tokens survive; for ASCII the result equals phoenix.js's `btoa(token)`.

/** Standard base64 of raw bytes. */
export function bytesToBase64(bytes: Uint8Array): string {
  let binary = ''
  for (let i = 0; i < bytes.length; i += 0x8000) {
    binary += String.fromCharCode(...bytes.subarray(i, i + 0x8000))
  }
  return btoa(binary)
}

/** Standard base64 of a string's UTF-8 bytes. */
export const stringToBase64 = (s: string): string => bytesToBase64(new TextEncoder().encode(s))

/** Decodes base64 (padding optional) to a UTF-8 string. */
export function base64ToString(b64: string): string {
  const binary = atob(b64)
  return new TextDecoder().decode(Uint8Array.from(binary, (c) => c.charCodeAt(0)))
}
