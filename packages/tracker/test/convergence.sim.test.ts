// Seeded network simulation (in the style of yjs's TestConnector): 5 tracker nodes
// over a lossy, duplicating, reordering, partitionable network with crashes, restarts and
// virtual time. After heal and quiescence every live node must list exactly the model (no
// ghosts, nothing lost) and the diffs it reported must sum to what it lists. 100 fixed
// seeds plus 100 from a random base (printed; override with SIM_SEED=<base>).
import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import { runSchedule, type ScheduleResult } from './sim/run.js'

const FIXED = Array.from({ length: 100 }, (_, i) => i + 1)
const BASE = Number(process.env['SIM_SEED'] ?? Math.floor(Math.random() * 2 ** 31))
const RANDOM = Array.from({ length: 100 }, (_, i) => (BASE + i) >>> 0)

async function runAll(seeds: number[]): Promise<void> {
  const failed: ScheduleResult[] = []
  for (const seed of seeds) {
    const r = await runSchedule(seed)
    if (!r.ok) failed.push(r)
  }
  const report = failed
    .map(
      (r) =>
        `seed ${r.seed}: ${r.error instanceof Error ? r.error.message : String(r.error)}\n  replay: npm run test:sim -- --seed ${r.seed}`,
    )
    .join('\n')
  assert.equal(failed.length, 0, `${failed.length} schedule(s) diverged:\n${report}`)
}

describe('tracker convergence simulation', () => {
  it(`converges on 100 fixed schedules (seeds 1..100)`, async () => {
    await runAll(FIXED)
  })

  it(`converges on 100 random schedules (SIM_SEED=${BASE})`, async () => {
    console.log(
      `simulation base seed ${BASE} (replay: SIM_SEED=${BASE} node scripts/test.mjs packages/tracker/test/convergence.sim.test.ts)`,
    )
    await runAll(RANDOM)
  })
})
