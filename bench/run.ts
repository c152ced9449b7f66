// Benchmark runner (`npm run bench [-- name...]`): runs every benchmark module, or those named,
// and prints the machine, the command and one markdown table to paste into BENCHMARKS.md.
// Re-executes itself once with --expose-gc so heap deltas are measured after a real gc.
import { execSync, spawnSync } from 'node:child_process'
import { cpus, loadavg } from 'node:os'
import { abuse } from './abuse.js'
import { bundleSize } from './bundle-size.js'
import { crdtMerge } from './crdt-merge.js'
import { fanout } from './fanout.js'
import { gcAvailable, markdownTable, type Benchmark, type Row } from './harness.js'
import { multicore } from './multicore.js'
import { presenceSync } from './presence-sync.js'
import { scale } from './scale.js'
import { systemFailover } from './system/failover.js'
import { systemLatency } from './system/latency.js'
import { systemMemory } from './system/memory.js'
import { systemStorm } from './system/storm.js'
import { systemTransfer } from './system/transfer.js'
import { trackerThroughput } from './tracker-throughput.js'

const ALL: readonly Benchmark[] = [
  crdtMerge,
  fanout,
  presenceSync,
  trackerThroughput,
  bundleSize,
  scale,
]
/** Run only when named: they fork server and load processes and take minutes. */
const NAMED_ONLY: readonly Benchmark[] = [
  multicore,
  abuse,
  systemStorm,
  systemLatency,
  systemFailover,
  systemTransfer,
  systemMemory,
]

function reexecWithGc(): never {
  const args = ['--expose-gc', ...process.execArgv, ...process.argv.slice(1)]
  const env = { ...process.env, PLUME_BENCH_CHILD: '1' }
  const result = spawnSync(process.execPath, args, { stdio: 'inherit', env })
  process.exit(result.status ?? 1)
}

function cpuModel(): string {
  try {
    const line = execSync("lscpu | grep 'Model name'", { encoding: 'utf8' })
    return line.replace(/^Model name:\s*/, '').trim()
  } catch {
    return cpus()[0]?.model ?? 'unknown'
  }
}

function select(names: readonly string[]): Benchmark[] {
  if (names.length === 0) return [...ALL]
  const known = [...ALL, ...NAMED_ONLY]
  const unknown = names.filter((n) => !known.some((b) => b.name === n))
  if (unknown.length > 0) {
    console.error(`unknown benchmark(s): ${unknown.join(', ')}`)
    console.error(`available: ${known.map((b) => b.name).join(', ')}`)
    process.exit(2)
  }
  return known.filter((b) => names.includes(b.name))
}

async function main(): Promise<void> {
  // `--name value` pairs are options of the chosen benchmarks, not benchmark names.
  const names = process.argv
    .slice(2)
    .filter((a, i, all) => !a.startsWith('--') && !all[i - 1]?.startsWith('--'))
  const chosen = select(names)
  const started = performance.now()
  console.log(
    `command: npm run bench${process.argv.length > 2 ? ` -- ${process.argv.slice(2).join(' ')}` : ''}`,
  )
  console.log(`machine: ${cpus().length} cores, ${cpuModel()}, node ${process.version}`)
  const load = loadavg()
    .map((l) => l.toFixed(2))
    .join(' ')
  console.log(`gc exposed: ${gcAvailable() ? 'yes' : 'no'}; load average at start: ${load}\n`)
  const rows: Row[] = []
  for (const b of chosen) {
    const t0 = performance.now()
    console.error(`running ${b.name} (${b.title})...`)
    rows.push(...(await b.run()))
    console.error(`  done in ${((performance.now() - t0) / 1000).toFixed(1)} s`)
  }
  console.log(markdownTable(rows))
  console.log(`\ntotal: ${((performance.now() - started) / 1000).toFixed(1)} s`)
}

// The env guard stops a loop should a runtime ignore the flag.
if (!gcAvailable() && process.env['PLUME_BENCH_CHILD'] === undefined) reexecWithGc()
await main()
