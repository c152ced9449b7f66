// `npm run fuzz -- --count N --seed S`: one fuzz run, its report printed as JSON; exits 1
// when the server broke a promise (a bad close, an unanswered ref, a missed diff or reply).
import { fuzzFailures, runFuzz } from './fuzz-run.js'

function arg(name: string): number | undefined {
  const i = process.argv.indexOf(`--${name}`)
  const v = i === -1 ? undefined : Number(process.argv[i + 1])
  if (v !== undefined && !Number.isSafeInteger(v)) throw new Error(`--${name} needs an integer`)
  return v
}

const count = arg('count') ?? 100_000
const seed = arg('seed') ?? Number(process.env['FUZZ_SEED'] ?? Math.floor(Math.random() * 2 ** 31))
console.log(
  `fuzz: ${count} inputs, seed ${seed} (replay: npm run fuzz -- --count ${count} --seed ${seed})`,
)
const report = await runFuzz({ count, seed })
const failures = fuzzFailures(report)
console.log(JSON.stringify({ ...report, serverErrors: report.serverErrors.slice(0, 5) }, null, 1))
console.log(
  `fuzz: ${report.inputs} inputs in ${(report.ms / 1000).toFixed(1)} s, seed ${seed}: ${failures.length === 0 ? 'ok' : failures.join('; ')}`,
)
process.exitCode = failures.length === 0 ? 0 : 1
