// Simulation CLI: `npm run test:sim -- --schedules 10000 [--from <seed>] [--steps 120]`, or
// replay one schedule with `npm run test:sim -- --seed <seed>`. Prints every failing seed
// with its error and a replay hint, plus timing; exits non-zero on any failure.
import { parseArgs } from 'node:util'
import { runSchedule, type ScheduleResult } from './run.js'

const { values } = parseArgs({
  options: {
    schedules: { type: 'string', default: '1000' },
    from: { type: 'string' },
    seed: { type: 'string' },
    steps: { type: 'string', default: '120' },
  },
})

function describe(r: ScheduleResult): string {
  const e = r.error
  const text = e instanceof Error ? (e.stack ?? e.message) : String(e)
  return `seed ${r.seed} FAILED after ${r.ms.toFixed(0)} ms:\n${text}\nreplay: npm run test:sim -- --seed ${r.seed} --steps ${r.steps}`
}

async function main(): Promise<number> {
  const steps = Number(values.steps)
  if (values.seed !== undefined) {
    const r = await runSchedule(Number(values.seed), steps)
    console.log(
      r.ok
        ? `seed ${r.seed} ok (${r.ms.toFixed(0)} ms, ${r.delivered} delivered, ${r.dropped} dropped)`
        : describe(r),
    )
    return r.ok ? 0 : 1
  }
  const count = Number(values.schedules)
  const from = values.from === undefined ? Math.floor(Math.random() * 2 ** 31) : Number(values.from)
  console.log(`simulating ${count} schedules from seed ${from} (${steps} steps each)`)
  const started = performance.now()
  const failed: ScheduleResult[] = []
  let slowest = 0
  for (let i = 0; i < count; i++) {
    const r = await runSchedule((from + i) >>> 0, steps)
    slowest = Math.max(slowest, r.ms)
    if (!r.ok) {
      failed.push(r)
      console.log(describe(r))
    }
  }
  const ms = performance.now() - started
  console.log(`${count - failed.length} passed, ${failed.length} failed`)
  console.log(
    `${(ms / 1000).toFixed(1)} s total, ${(ms / count).toFixed(1)} ms/schedule, slowest ${slowest.toFixed(0)} ms`,
  )
  if (failed.length > 0) console.log(`failing seeds: ${failed.map((r) => r.seed).join(' ')}`)
  return failed.length === 0 ? 0 : 1
}

process.exitCode = await main()
