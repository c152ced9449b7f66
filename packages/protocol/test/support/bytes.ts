// Builds byte fixtures from a mix of numbers (single bytes) and strings (their UTF-8 bytes),
// so reference vectors read like the spec: bytes(0, 1, 1, 1, 1, '0', '1', 't', 'e', 1).

export function bytes(...parts: readonly (number | string)[]): Uint8Array {
  const out: number[] = []
  for (const part of parts) {
    if (typeof part === 'number') out.push(part)
    else out.push(...new TextEncoder().encode(part))
  }
  return Uint8Array.from(out)
}

/** Narrows a Frame to binary, failing the test with a clear message otherwise. */
export function asBinary(frame: string | Uint8Array): Uint8Array {
  if (typeof frame === 'string') throw new Error(`expected a binary frame, got text ${frame}`)
  return frame
}

/** Narrows a Frame to text. */
export function asText(frame: string | Uint8Array): string {
  if (typeof frame !== 'string') throw new Error('expected a text frame, got binary')
  return frame
}
