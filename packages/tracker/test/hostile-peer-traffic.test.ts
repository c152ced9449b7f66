// Fuzz: odd-but-valid replication messages from fake peers (unknown refs, our own
// ref, huge clocks, duplicate dots, values of replicas missing from the context) fed to a
// real shard. The shard must never log an error, and its diff stream must sum to its state.
import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import fc from 'fast-check'
import { encodeMessage } from '@plume/crdt'
import type { Delta, Entry, ReplicationMessage, StateExtract } from '@plume/crdt'
import { MemoryBus, PubSub, silentLogger } from '@plume/pubsub'
import type { Logger } from '@plume/pubsub'
import { ManualScheduler, Tracker } from '@plume/tracker'

const TOPIC = 'phx_presence:presence_shard0'
const ROOMS = ['r1', 'r2']
const NAMES = ['b', 'c']
const VSNS = ['1', '2']
const CLOCKS = [0, 1, 2, 3, 4, 5, Number.MAX_SAFE_INTEGER]

const arbRef = fc.oneof(
  fc.tuple(fc.constantFrom(...NAMES), fc.constantFrom(...VSNS)).map(([n, v]) => `${n}#${v}`),
  fc.constant('SELF'),
)
const arbDot = fc.tuple(arbRef, fc.constantFrom(...CLOCKS.filter((c) => c > 0)))
const arbCtx = fc.array(fc.tuple(arbRef, fc.constantFrom(...CLOCKS)), { maxLength: 3 })
const arbValue = fc.tuple(arbDot, fc.constantFrom(...ROOMS), fc.constantFrom('k1', 'k2'))

type Raw =
  | { t: 'hb'; from: string; delta: RawDelta | null; clock: [string, number][] }
  | { t: 'treq'; from: string; clock: [string, number][] }
  | { t: 'tack'; from: string; delta: RawDelta }
  | { t: 'tack'; from: string; state: RawDelta }
  | { t: 'perm'; from: string }
  | { t: 'time'; ms: number }
  | { t: 'local'; op: 'track' | 'untrack' | 'update'; room: string; key: string }
interface RawDelta {
  values: [[string, number], string, string][]
  clouds: [string, number][]
  start: [string, number][]
  end: [string, number][]
}
const arbDelta: fc.Arbitrary<RawDelta> = fc.record({
  values: fc.array(arbValue, { maxLength: 4 }),
  clouds: fc.array(arbDot, { maxLength: 5 }),
  start: arbCtx,
  end: arbCtx,
})
const arbMsg: fc.Arbitrary<Raw> = fc.oneof(
  fc.record({
    t: fc.constant('hb' as const),
    from: arbRef,
    delta: fc.option(arbDelta),
    clock: arbCtx,
  }),
  fc.record({ t: fc.constant('treq' as const), from: arbRef, clock: arbCtx }),
  fc.record({ t: fc.constant('tack' as const), from: arbRef, delta: arbDelta }),
  fc.record({ t: fc.constant('tack' as const), from: arbRef, state: arbDelta }),
  fc.record({ t: fc.constant('perm' as const), from: arbRef }),
  fc.record({ t: fc.constant('time' as const), ms: fc.integer({ min: 1, max: 900 }) }),
  fc.record({
    t: fc.constant('local' as const),
    op: fc.constantFrom('track' as const, 'untrack' as const, 'update' as const),
    room: fc.constantFrom(...ROOMS),
    key: fc.constantFrom('k1', 'k2'),
  }),
)

function build(raw: Raw, self: string): ReplicationMessage | undefined {
  const ref = (r: string): string => (r === 'SELF' ? self : r)
  const ctx = (xs: [string, number][]): Map<string, number> =>
    new Map(xs.map(([r, c]) => [ref(r), c]))
  const payload = (d: RawDelta, mode: 'delta' | 'normal'): Delta | StateExtract => {
    const values = new Map<string, Entry>()
    for (const [[r, c], topic, key] of d.values) {
      const replica = ref(r)
      values.set(`${c}:${replica}`, {
        replica,
        clock: c,
        owner: 'o',
        topic,
        key,
        meta: { d: `${replica}@${c}` },
      })
    }
    const clouds = new Map<string, Set<number>>()
    for (const [r, c] of d.clouds) {
      const set = clouds.get(ref(r)) ?? new Set<number>()
      clouds.set(ref(r), set.add(c))
    }
    return mode === 'delta'
      ? { mode, values, clouds, start: ctx(d.start), end: ctx(d.end) }
      : { mode, values, clouds, context: ctx(d.start) }
  }
  switch (raw.t) {
    case 'hb':
      return {
        t: 'hb',
        from: ref(raw.from),
        delta: raw.delta && (payload(raw.delta, 'delta') as Delta),
        clock: ctx(raw.clock),
      }
    case 'treq':
      return { t: 'treq', from: ref(raw.from), ref: '1', clock: ctx(raw.clock) }
    case 'tack':
      return 'delta' in raw
        ? { t: 'tack', from: ref(raw.from), ref: '1', payload: payload(raw.delta, 'delta') }
        : { t: 'tack', from: ref(raw.from), ref: '1', payload: payload(raw.state, 'normal') }
    case 'perm':
      return { t: 'perm', from: ref(raw.from) }
    case 'time':
    case 'local':
      return undefined
  }
}

let remoteJoins = 0
describe('hostile but well-formed replication traffic', () => {
  it('never makes a shard log an error, and diffs always sum to list()', async () => {
    const seed = Number(
      process.env['FC_SEED'] ?? process.env['FUZZ_SEED'] ?? Date.now() % 1_000_000,
    )
    console.log(`hostile peer traffic seed ${seed}`)
    await fc.assert(
      fc.asyncProperty(fc.array(arbMsg, { maxLength: 40 }), async (script) => {
        const bus = new MemoryBus({ logger: silentLogger })
        const scheduler = new ManualScheduler()
        const logged: string[] = []
        const logger: Logger = {
          ...silentLogger,
          warn: (m) => logged.push(`warn ${m}`),
          error: (m, d) =>
            logged.push(`error ${m} ${String((d?.['error'] as Error | undefined)?.stack)}`),
        }
        const pubsub = new PubSub({ adapter: bus.adapter('a'), logger: silentLogger })
        const tracker = new Tracker({
          pubsub,
          scheduler,
          logger,
          broadcastPeriod: 100,
          downPeriod: 300,
          permdownPeriod: 700,
          maxDeltaSizes: [2, 5],
          random: () => 0,
        })
        const sums = new Map<string, Map<string, number>>()
        tracker.onDiff((topic, diff) => {
          const m = sums.get(topic) ?? new Map<string, number>()
          sums.set(topic, m)
          for (const [k, meta] of diff.leaves)
            m.set(`${k}=${JSON.stringify(meta)}`, (m.get(`${k}=${JSON.stringify(meta)}`) ?? 0) - 1)
          if (diff.joins.some(([, m]) => 'd' in m)) remoteJoins++
          for (const [k, meta] of diff.joins)
            m.set(`${k}=${JSON.stringify(meta)}`, (m.get(`${k}=${JSON.stringify(meta)}`) ?? 0) + 1)
        })
        const peers = new Map<string, PubSub>()
        await tracker.start()
        const self = tracker.replicaRef()
        try {
          for (const raw of script) {
            if (raw.t === 'time') scheduler.advance(raw.ms)
            else if (raw.t === 'local') {
              if (raw.op === 'track' && tracker.list(raw.room).every(([k]) => k !== raw.key))
                tracker.track('own', raw.room, raw.key, {})
              else if (raw.op === 'untrack') tracker.untrack('own', raw.room, raw.key)
              else if (tracker.getByKey(raw.room, raw.key).some(([o]) => o === 'own'))
                tracker.update('own', raw.room, raw.key, { u: 1 })
            } else {
              const msg = build(raw, self)
              if (!msg) continue
              const name = msg.from.slice(0, msg.from.lastIndexOf('#'))
              let p = peers.get(name)
              if (!p) {
                p = new PubSub({
                  adapter: bus.adapter(name === 'a' ? 'a-old' : name),
                  logger: silentLogger,
                })
                await p.start()
                peers.set(name, p)
              }
              await p.broadcast(TOPIC, encodeMessage(msg))
            }
            await bus.settle()
            assert.deepEqual(logged, [])
            for (const room of ROOMS) {
              const listed = tracker
                .list(room)
                .map(([k, m]) => `${k}=${JSON.stringify(m)}`)
                .sort()
              const summed = [...(sums.get(room) ?? [])]
                .flatMap(([k, n]) => Array<string>(Math.max(n, 0)).fill(k))
                .sort()
              assert.deepEqual(summed, listed, `diff sum vs list in ${room}`)
              assert.ok(
                [...(sums.get(room)?.values() ?? [])].every((n) => n >= 0 && n <= 1),
                'count out of 0..1',
              )
              assert.equal(tracker.count(room), listed.length)
            }
          }
        } finally {
          await tracker.stop()
          for (const p of peers.values()) await p.close()
          await pubsub.close()
        }
      }),
      { seed, numRuns: Number(process.env['FUZZ_RUNS'] ?? 300) },
    )
    assert.ok(remoteJoins > 0, 'the fuzz never got a remote presence accepted')
  })
})
