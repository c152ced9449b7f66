// Long-poll bodies for the fuzzer: one session at a time; each POST carries a body of fuzz
// frames (ndjson), raw garbage or an oversized blob, and every POST must get an HTTP answer
// with a JSON status. A session the server ends (410) is replaced by a new one.
import type { FuzzGen } from './fuzz-inputs.js'
import type { FuzzServer } from './fuzz-server.js'

interface Counts {
  longpollInputs: number
  badCloses: number[]
  closes: Record<number, number>
}

async function openSession(url: string): Promise<string> {
  const res = await fetch(`${url}&user_id=fuzz-lp`)
  const body = (await res.json()) as { status: number; token?: string }
  if (body.status !== 410 || body.token === undefined)
    throw new Error(`long-poll session refused: ${JSON.stringify(body)}`)
  return body.token
}

function textOf(frame: string | Uint8Array): string {
  return typeof frame === 'string' ? frame : Buffer.from(frame).toString('latin1')
}

/** A body and the number of inputs in it. */
function body(gen: FuzzGen): { data: string | Uint8Array; inputs: number; type: string } {
  const roll = gen.int(10)
  if (roll < 6) {
    const n = 1 + gen.int(20)
    const lines = Array.from({ length: n }, () => textOf(gen.next().frame))
    return { data: lines.join('\n'), inputs: n, type: 'application/x-ndjson' }
  }
  if (roll < 8) return { data: textOf(gen.fatal().frame), inputs: 1, type: 'application/json' }
  if (roll < 9)
    return {
      data: gen.bytes(gen.int(4096)),
      inputs: 1,
      type: gen.pick(['application/json', 'text/plain', 'application/octet-stream']),
    }
  return { data: 'x'.repeat(1024 * 1024 + 1 + gen.int(1024)), inputs: 1, type: 'application/json' }
}

/** Sends `quota` inputs in long-poll bodies; each POST must answer with a JSON status. */
export async function fuzzLongPoll(
  server: FuzzServer,
  gen: FuzzGen,
  quota: number,
  r: Counts,
): Promise<void> {
  let token = await openSession(server.lpUrl)
  for (let sent = 0; sent < quota;) {
    const b = body(gen)
    const res = await fetch(`${server.lpUrl}&token=${encodeURIComponent(token)}`, {
      method: 'POST',
      body: typeof b.data === 'string' ? b.data : new Blob([new Uint8Array(b.data)]),
      headers: { 'content-type': b.type },
    })
    const text = await res.text()
    sent += b.inputs
    r.longpollInputs += b.inputs
    const status = parseStatus(text, res.status)
    r.closes[status] = (r.closes[status] ?? 0) + 1
    if (status === 500 || res.status >= 500) r.badCloses.push(status)
    if (status === 410) token = await openSession(server.lpUrl)
    else
      await fetch(`${server.lpUrl}&token=${encodeURIComponent(token)}`).then((x) => x.arrayBuffer())
  }
}

/** The JSON status of a long-poll answer, or the HTTP status for a plain one (e.g. 413). */
function parseStatus(text: string, http: number): number {
  try {
    const s = (JSON.parse(text) as { status?: unknown }).status
    return typeof s === 'number' ? s : http
  } catch {
    return http
  }
}
