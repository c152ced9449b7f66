// The seeded fuzzer under `npm test`: at least 100,000 hostile inputs over WebSocket text
// and binary frames and long-poll bodies. The server must never crash or log an error,
// answer every ref or close with a documented code, and keep serving a well-behaved client.
// FUZZ_SEED replays a run; FUZZ_COUNT changes its size (never below 100,000 in CI).
import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import { fuzzFailures, runFuzz } from './fuzz-run.js'

const seed = Number(process.env['FUZZ_SEED'] ?? Math.floor(Math.random() * 2 ** 31))
const count = Number(process.env['FUZZ_COUNT'] ?? 100_000)

describe('server fuzzing', () => {
  it(`survives ${count} hostile inputs (seed ${seed})`, { timeout: 600_000 }, async () => {
    console.log(`fuzz: ${count} inputs, seed ${seed} (replay with FUZZ_SEED=${seed})`)
    const r = await runFuzz({ count, seed })
    console.log(`fuzz: ${r.inputs} inputs in ${(r.ms / 1000).toFixed(1)} s, seed ${seed}`, r.closes)
    assert.ok(r.inputs >= count, `ran ${r.inputs} of ${count} inputs`)
    assert.deepEqual(fuzzFailures(r), [])
    assert.ok(r.replies > r.wsInputs / 2, 'most inputs were answered, not silently swallowed')
    assert.ok(r.goodCycles > 0 && r.goodPings > 0, 'the good client was exercised')
  })
})
