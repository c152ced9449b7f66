// The minified browser bundle: built into a temp dir with scripts/bundle.mjs, it must gzip to
// at most phoenix 1.8.1's phoenix.min.js, and its size measures must not cost features. It is
// evaluated in a vm context with minimal browser globals, compared name by name with the
// ESM classes, and driven through connect/join/push/presence/heartbeat/fallback there.
import assert from 'node:assert/strict'
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { dirname, join, resolve } from 'node:path'
import { fileURLToPath } from 'node:url'
import vm from 'node:vm'
import { after, before, describe, it } from 'node:test'
import * as esm from '@plume/client'
import { FakeTransport } from './support/fake-transport.js'
import { ManualScheduler } from '@plume/tracker'

const pkg = resolve(dirname(fileURLToPath(import.meta.url)), '..')
type Plume = Pick<typeof esm, 'Socket' | 'Channel' | 'Presence' | 'LongPoll' | 'Push'>
interface SizeScript {
  PHOENIX_1_8_1: { gzip9: number; zlib9: number }
  zlib9: (file: string) => number
  gzipCli: (file: string) => number | null
}

// The scripts are plain JS; computed specifiers keep tsc from asking for their types.
async function scripts(): Promise<{ bundle: (out: string) => Promise<string>; size: SizeScript }> {
  const bundlePath: string = '../scripts/bundle.mjs'
  const sizePath: string = '../scripts/size.mjs'
  const { bundle } = (await import(bundlePath)) as { bundle: (out: string) => Promise<string> }
  return { bundle, size: (await import(sizePath)) as SizeScript }
}

const proto = (o: object): object | null => Object.getPrototypeOf(o) as object | null

/** Every property name an object answers to (own and inherited, minus Object's). */
function names(o: object): Set<string> {
  const out = new Set<string>()
  for (let p = o as object | null; p && p !== Object.prototype; p = proto(p)) {
    if (proto(p) === null) break // another realm's Object.prototype
    for (const n of Object.getOwnPropertyNames(p)) if (n !== 'constructor') out.add(n)
  }
  return out
}

/** One instance of each global class, made with `lib` (the ESM module or the bundle). */
function instances(lib: Plume, scheduler: ManualScheduler): Record<string, object> {
  const opts = { transport: FakeTransport, scheduler, page: null, sessionStorage: null }
  const socket = new lib.Socket('ws://example.test/socket', opts)
  const channel = socket.channel('room:1')
  const push = channel.join()
  const presence = new lib.Presence(channel)
  const longPoll = new lib.LongPoll('ws://example.test/socket/websocket', undefined, { scheduler })
  return { socket, channel, push, presence, longPoll, PresenceClass: lib.Presence }
}

describe('browser bundle (dist/plume.min.js)', () => {
  let dir: string
  let file: string
  let size: SizeScript
  let internal: string[]
  let Plume: Plume

  before(async () => {
    dir = mkdtempSync(join(tmpdir(), 'plume-bundle-'))
    const s = await scripts()
    size = s.size
    file = await s.bundle(join(dir, 'plume.min.js'))
    const bundlePath: string = '../scripts/bundle.mjs'
    internal = ((await import(bundlePath)) as { INTERNAL_PROPS: string[] }).INTERNAL_PROPS
    const context = vm.createContext({
      TextEncoder,
      TextDecoder,
      btoa,
      atob,
      AbortController,
      performance,
      setTimeout,
      clearTimeout,
      console,
    })
    vm.runInContext(readFileSync(file, 'utf8'), context, { filename: 'plume.min.js' })
    Plume = (context as { Plume: Plume }).Plume
  })
  after(() => rmSync(dir, { recursive: true, force: true }))

  it('gzips to at most phoenix 1.8.1 phoenix.min.js', () => {
    const ours = size.zlib9(file)
    assert.ok(
      ours <= size.PHOENIX_1_8_1.zlib9,
      `zlib -9: ${ours} B > ${size.PHOENIX_1_8_1.zlib9} B`,
    )
    const cli = size.gzipCli(file)
    if (cli !== null) assert.ok(cli <= size.PHOENIX_1_8_1.gzip9, `gzip -9: ${cli} B`)
  })

  it('assigns exactly the documented global', () => {
    assert.deepEqual(Object.keys(Plume).sort(), [
      'Channel',
      'LongPoll',
      'Presence',
      'Push',
      'Socket',
    ])
    for (const C of Object.values(Plume)) assert.equal(typeof C, 'function')
  })

  it('keeps every public name of the ESM classes; only INTERNAL_PROPS are shortened', () => {
    const theirs = instances(esm, new ManualScheduler())
    const ours = instances(Plume, new ManualScheduler())
    for (const [what, o] of Object.entries(theirs)) {
      const have = names(ours[what] as object)
      const missing = [...names(o)].filter((n) => !have.has(n) && !internal.includes(n))
      assert.deepEqual(missing, [], `${what} lost public names`)
      const leaked = internal.filter((n) => have.has(n))
      assert.deepEqual(leaked, [], `${what} kept internal names`)
    }
  })

  it('shortens only members declared @internal, protected, or in an @internal class', () => {
    const src = join(pkg, 'src')
    const files = readdirSync(src).filter((f) => f.endsWith('.ts'))
    for (const name of internal) {
      const decl = new RegExp(`^\\s*(?:(?:protected|readonly|override|abstract)\\s+)*${name}\\b`)
      const key = new RegExp(`(?:^|[\\s{,])${name}\\??\\s*:`)
      let declared = 0
      for (const f of files) {
        const lines = readFileSync(join(src, f), 'utf8').split('\n')
        lines.forEach((line, i) => {
          if (/^\s*(\/\/|\/\*|\*)/.test(line) || !(decl.test(line) || key.test(line))) return
          // An object or interface key of that name would be shortened too.
          assert.ok(decl.test(line), `${f}:${i + 1} uses ${name} as a key`)
          declared++
          const classAt = lines
            .slice(0, i)
            .map((l) => /^export (abstract )?class/.test(l))
            .lastIndexOf(true)
          const tagged =
            /\bprotected\b/.test(line) ||
            /@internal/.test(lines[i - 1] ?? '') ||
            /@internal/.test(lines[classAt - 1] ?? '')
          assert.ok(tagged, `${f}:${i + 1} declares ${name} without @internal/protected`)
        })
      }
      assert.ok(declared > 0, `${name} is declared nowhere`)
    }
  })

  /** A bundle Socket with most options set, connected over an open FakeTransport. */
  function connected(): {
    socket: esm.Socket
    t: FakeTransport
    sched: ManualScheduler
    kinds: string[]
  } {
    FakeTransport.reset()
    const sched = new ManualScheduler()
    const kinds: string[] = []
    const socket = new Plume.Socket('ws://example.test/socket', {
      transport: FakeTransport,
      scheduler: sched,
      page: null,
      sessionStorage: null,
      params: () => ({ user: { id: 7 } }),
      authToken: 'secret',
      logger: (kind) => kinds.push(kind),
      timeout: 1234,
      heartbeatIntervalMs: 5000,
      reconnectAfterMs: () => 42,
      rejoinAfterMs: () => 43,
      longpollerTimeout: 777,
      binaryType: 'blob',
    })
    socket.connect()
    FakeTransport.last.open()
    assert.deepEqual([socket.connectionState(), socket.timeout], ['open', 1234])
    return { socket, t: FakeTransport.last, sched, kinds }
  }

  it('applies params, authToken, binaryType and longpollerTimeout to the transport', () => {
    const { socket, t } = connected()
    const query = `${encodeURIComponent('user[id]')}=7&vsn=2.0.0`
    assert.equal(t.url, `ws://example.test/socket/websocket?${query}`)
    assert.deepEqual([...(t.protocols ?? [])], ['phoenix', 'base64url.bearer.phx.c2VjcmV0'])
    assert.deepEqual([t.binaryType, t.timeout], ['blob', 777])
    socket.disconnect()
  })

  it('joins, pushes, syncs presence; a heartbeat timeout reconnects and rejoins', () => {
    const { socket, t, sched, kinds } = connected()
    const ch = socket.channel('room:1', { x: 1 })
    const got: string[] = []
    ch.join().receive('ok', (r: unknown) => got.push(`joined ${JSON.stringify(r)}`))
    assert.equal(JSON.stringify(t.lastOf('phx_join')[4]), '{"x":1}')
    t.reply('phx_join', 'ok', { hi: 1 })
    assert.throws(() => ch.join(), { code: 'JOIN_TWICE', message: 'JOIN_TWICE' })
    ch.push('ping', { n: 1 }).receive('ok', (r: unknown) => got.push(`pong ${JSON.stringify(r)}`))
    t.reply('ping', 'ok', { n: 2 })
    const presence = new Plume.Presence(ch)
    t.receive(null, null, 'room:1', 'presence_state', { u1: { metas: [{ phx_ref: 'a' }] } })
    t.receive(null, null, 'room:1', 'presence_diff', {
      joins: { u2: { metas: [{ phx_ref: 'b' }] } },
      leaves: { u1: { metas: [{ phx_ref: 'a' }] } },
    })
    got.push(`presence ${presence.list((id) => id).join()}`)
    assert.deepEqual(got, ['joined {"hi":1}', 'pong {"n":2}', 'presence u2'])
    assert.deepEqual([...new Set(kinds)].sort(), ['push', 'receive', 'transport'])
    sched.advance(5000)
    assert.equal(t.lastOf('heartbeat')[2], 'phoenix')
    sched.advance(5000) // unanswered: the socket closes, then reconnects after 42 ms
    assert.deepEqual(t.closedWith, { code: 1000, reason: 'heartbeat timeout' })
    assert.equal(ch.state, 'errored')
    sched.advance(600)
    assert.equal(FakeTransport.instances.length, 2)
    FakeTransport.last.open()
    sched.advance(43) // the rejoin backoff
    assert.equal(FakeTransport.last.lastOf('phx_join')[2], 'room:1')
    socket.disconnect()
    sched.advance(1000)
    assert.equal(socket.connectionState(), 'closed')
  })

  it('honours longPollFallbackMs, sessionStorage, page and a custom encoder', () => {
    FakeTransport.reset()
    const sched = new ManualScheduler()
    const stored = new Map<string, string>()
    const events: string[] = []
    const frames: unknown[] = []
    const socket = new Plume.Socket(['ws://a.test/socket', 'ws://b.test/socket'], {
      transport: FakeTransport,
      scheduler: sched,
      longPollFallbackMs: 300,
      sessionStorage: {
        getItem: (k) => stored.get(k) ?? null,
        setItem: (k, v) => stored.set(k, v),
      },
      page: { hidden: false, on: (event) => (events.push(event), () => {}) },
      encode: (msg, cb) => (frames.push(msg.event), cb(`custom:${msg.event}`)),
    })
    socket.connect()
    assert.deepEqual(events.sort(), ['pagehide', 'pageshow', 'visibilitychange'])
    FakeTransport.last.open()
    socket.channel('t').join()
    assert.deepEqual(FakeTransport.last.sent.slice(-1), ['custom:phx_join'])
    assert.deepEqual(frames.slice(-1), ['phx_join'])
    sched.advance(300) // the primary never answered its ping: fall back to LongPoll
    assert.equal(socket.transport, Plume.LongPoll)
    socket.disconnect()
    sched.advance(1000)
  })
})
