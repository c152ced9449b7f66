// Benchmark 3: client presence sync in large rooms (phoenix PR #3510). Our Presence.syncDiff
// and syncState against the official phoenix client's, on identical inputs in the same run.
// phoenix mutates the state it is given, so each side works on its own copy of the inputs.
import { Presence, type PresenceDiff, type PresenceState } from '@plume/client'
import {
  Presence as PhoenixPresence,
  type PresenceState as PhoenixState,
} from '@plume/testkit/phoenix'
import { sample, usRow, type Benchmark, type Row } from './harness.js'

const BENCH = 'client presence'
const DIFF_ROUNDS = 300
const STATE_ROUNDS = 30

type State = PresenceState & PhoenixState

function meta(key: string): { phx_ref: string; online_at: number; name: string } {
  return { phx_ref: `ref-${key}`, online_at: 1_700_000_000, name: `user ${key}` }
}

/** A fresh state of `n` keys with one meta each (new objects on every call). */
function makeState(n: number, prefix = 'u'): State {
  const s: State = {}
  for (let i = 0; i < n; i++) s[`${prefix}${i}`] = { metas: [meta(`${prefix}${i}`)] }
  return s
}

/** Diff i: key j<i> joins, the key joined by the previous diff (u0 at first) leaves. */
function makeDiffs(count: number): PresenceDiff[] {
  const diffs: PresenceDiff[] = []
  for (let i = 0; i < count; i++) {
    const gone = i === 0 ? 'u0' : `j${i - 1}`
    diffs.push({
      joins: { [`j${i}`]: { metas: [meta(`j${i}`)] } },
      leaves: { [gone]: { metas: [meta(gone)] } },
    })
  }
  return diffs
}

function checkSize(label: string, state: object, n: number): void {
  const size = Object.getOwnPropertyNames(state).length
  if (size !== n) throw new Error(`${label}: ${size} keys after sync, expected ${n}`)
}

function diffRows(n: number): Row[] {
  const warmup = 50
  const diffs = makeDiffs(warmup + DIFF_ROUNDS)
  let ours: PresenceState = makeState(n)
  const o = sample((i) => (ours = Presence.syncDiff(ours, diffs[i]!)), {
    warmup,
    iterations: DIFF_ROUNDS,
  })
  checkSize('plume syncDiff', ours, n)
  let theirs: PhoenixState = makeState(n)
  const diffs2 = makeDiffs(warmup + DIFF_ROUNDS)
  const t = sample((i) => (theirs = PhoenixPresence.syncDiff(theirs, diffs2[i]!)), {
    warmup,
    iterations: DIFF_ROUNDS,
  })
  checkSize('phoenix syncDiff', theirs, n)
  const k = n.toLocaleString('en-US')
  const note = `1 join + 1 leave, ${DIFF_ROUNDS} diffs`
  return [
    usRow(BENCH, `syncDiff into ${k} keys`, o, note),
    usRow(BENCH, `baseline: phoenix syncDiff into ${k} keys`, t, note),
  ]
}

/** syncState of a 10k-key server state: into an empty state (first join) and a rejoin. */
function stateRows(n: number): Row[] {
  const k = n.toLocaleString('en-US')
  const rows: Row[] = []
  const cases: Array<[string, () => State]> = [
    ['first join (empty → N)', () => ({})],
    // Rejoin: the client's state differs from the server's by one join and one leave.
    [
      'rejoin (N → N, 1 join + 1 leave)',
      () => ({ ...makeState(n), extra: { metas: [meta('x')] } }),
    ],
  ]
  for (const [label, current] of cases) {
    const next = makeState(n)
    const base = current()
    const o = sample(() => checkSize('plume syncState', Presence.syncState(base, next), n), {
      warmup: 5,
      iterations: STATE_ROUNDS,
    })
    // phoenix's syncState clones `current` but may mutate `next`: give it its own inputs.
    const next2 = makeState(n)
    const base2 = current()
    const t = sample(
      () => checkSize('phoenix syncState', PhoenixPresence.syncState(base2, next2), n),
      {
        warmup: 5,
        iterations: STATE_ROUNDS,
      },
    )
    const note = `${STATE_ROUNDS} syncs`
    rows.push(usRow(BENCH, `syncState ${k}: ${label}`, o, note))
    rows.push(usRow(BENCH, `baseline: phoenix syncState ${k}: ${label}`, t, note))
  }
  return rows
}

export const presenceSync: Benchmark = {
  name: 'presence-sync',
  title: 'client Presence.syncDiff/syncState vs phoenix',
  async run() {
    return [...diffRows(1_000), ...diffRows(10_000), ...stateRows(10_000)]
  },
}
