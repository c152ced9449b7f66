// Base64 helpers over btoa/atob (present in browsers and Node 20). Strings go through UTF-8,
// so non-Latin-1 auth tokens survive; for ASCII the result equals phoenix.js's `btoa(token)`.

/** A Uint8Array view of binary data (no copy). */
export const toBytes = (v: ArrayBuffer | ArrayBufferView): Uint8Array =>
  v instanceof ArrayBuffer
    ? new Uint8Array(v)
    : new Uint8Array(v.buffer, v.byteOffset, v.byteLength)

/** Standard base64 of raw bytes. */
export const bytesToBase64 = (bytes: Uint8Array): string =>
  btoa(Array.from(bytes, (b) => String.fromCharCode(b)).join(''))

/** Standard base64 of a string's UTF-8 bytes. */
export const stringToBase64 = (s: string): string => bytesToBase64(new TextEncoder().encode(s))

/** Decodes base64 (padding optional) to a UTF-8 string. */
export function base64ToString(b64: string): string {
  const binary = atob(b64)
  return new TextDecoder().decode(Uint8Array.from(binary, (c) => c.charCodeAt(0)))
}
