// Ambient declarations for the two WHATWG text codecs. Both exist as globals in Node and in
// browsers, but the ES2022-only lib this package compiles against does not declare them.
// Only the members we call are declared; none of these types appear in the public API.

interface TextDecodeOptions {
  fatal?: boolean
  ignoreBOM?: boolean
}

declare class TextEncoder {
  encode(input?: string): Uint8Array
}

declare class TextDecoder {
  constructor(label?: string, options?: TextDecodeOptions)
  decode(input?: Uint8Array): string
}
