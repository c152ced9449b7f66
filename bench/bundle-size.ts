// Benchmark 5: gzipped size of the browser bundle (plume.min.js, freshly built by the client's
// own scripts/bundle.mjs into a temp dir, so packages/client/dist is left alone) against the
// official phoenix.min.js. Both are gzipped here at level 9, so the numbers are comparable.
import { spawnSync } from 'node:child_process'
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { dirname, join, resolve } from 'node:path'
import { fileURLToPath } from 'node:url'
import { gzipSync } from 'node:zlib'
import { fmtBytes, type Benchmark, type Row } from './harness.js'

const BENCH = 'client bundle'
const root = resolve(dirname(fileURLToPath(import.meta.url)), '..')
const bundler = resolve(root, 'packages/client/scripts/bundle.mjs')
const phoenixDir = resolve(root, 'node_modules/phoenix')
const theirs = resolve(phoenixDir, 'priv/static/phoenix.min.js')
const sizeScript = resolve(root, 'packages/client/scripts/size.mjs')

/** Builds the bundle with the client's script into `dir`; returns the file. */
function build(dir: string): string {
  if (!existsSync(bundler)) throw new Error(`missing ${bundler}: cannot build plume.min.js`)
  const out = join(dir, 'plume.min.js')
  const r = spawnSync(process.execPath, [bundler, out], { cwd: root, encoding: 'utf8' })
  if (r.status !== 0) throw new Error(`bundle build failed: ${r.stderr || r.stdout}`)
  return out
}

function sizes(file: string): { raw: number; gzip: number } {
  const bytes = readFileSync(file)
  return { raw: bytes.length, gzip: gzipSync(bytes, { level: 9 }).length }
}

function phoenixVersion(): string {
  const pkg = JSON.parse(readFileSync(resolve(phoenixDir, 'package.json'), 'utf8')) as {
    version?: string
  }
  return pkg.version ?? '?'
}

export const bundleSize: Benchmark = {
  name: 'bundle',
  title: 'client bundle size vs phoenix.min.js',
  async run(): Promise<Row[]> {
    const dir = mkdtempSync(join(tmpdir(), 'plume-bench-'))
    let a: { raw: number; gzip: number }
    try {
      a = sizes(build(dir))
    } finally {
      rmSync(dir, { recursive: true, force: true })
    }
    const b = sizes(theirs)
    const ratio = ((a.gzip / b.gzip) * 100).toFixed(0)
    // The issue's budget: phoenix 1.8.1's phoenix.min.js, measured once with `npm pack`
    // (scripts/size.mjs records where the numbers come from).
    const { PHOENIX_1_8_1: budget } = (await import(sizeScript)) as {
      PHOENIX_1_8_1: { raw: number; zlib9: number }
    }
    return [
      {
        bench: BENCH,
        case: 'plume.min.js (scripts/bundle.mjs), gzip -9',
        median: fmtBytes(a.gzip),
        p95: '',
        note: `${a.gzip} B gzipped, raw ${fmtBytes(a.raw)}; ${ratio}% of phoenix`,
      },
      {
        bench: BENCH,
        case: `baseline: phoenix.min.js ${phoenixVersion()}, gzip -9`,
        median: fmtBytes(b.gzip),
        p95: '',
        note: `${b.gzip} B gzipped, raw ${fmtBytes(b.raw)}`,
      },
      {
        bench: BENCH,
        case: 'budget: phoenix.min.js 1.8.1, gzip -9 (recorded)',
        median: fmtBytes(budget.zlib9),
        p95: '',
        note: `${budget.zlib9} B gzipped, raw ${fmtBytes(budget.raw)}; ours ${a.gzip <= budget.zlib9 ? 'within' : 'OVER'} budget`,
      },
    ]
  },
}
