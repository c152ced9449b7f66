#!/usr/bin/env node
// Runs the node:test suites of the whole repo, or of the folders given as arguments.
// Node 20's `--test` does not expand globs, so this script collects the files itself.
// Tests run from TypeScript sources via tsx and the `source` export condition, so no
// build is needed first. TEST_CONCURRENCY overrides how many files run at once.
import { spawnSync } from 'node:child_process'
import { readdirSync, statSync, existsSync } from 'node:fs'
import { join, relative, resolve, dirname } from 'node:path'
import { fileURLToPath } from 'node:url'
import { ensureBinaries } from './test-binaries.mjs'

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..')
const defaults = ['packages', 'examples']
const args = process.argv.slice(2)
const flags = args.filter((a) => a.startsWith('--'))
const dirs = args.filter((a) => !a.startsWith('--'))

function collect(dir, out) {
  if (!existsSync(dir)) return out
  if (statSync(dir).isFile()) return [...out, dir]
  for (const name of readdirSync(dir).sort()) {
    if (name === 'node_modules' || name === 'dist') continue
    const full = join(dir, name)
    if (statSync(full).isDirectory()) collect(full, out)
    else if (/\.test\.ts$/.test(name)) out.push(full)
  }
  return out
}

let skipped
try {
  skipped = ensureBinaries()
} catch (err) {
  console.error(`test: ${err.message}`)
  process.exit(1)
}

const files = (dirs.length ? dirs : defaults).flatMap((d) => collect(resolve(root, d), []))
if (files.length === 0) {
  console.error('no test files found')
  process.exit(1)
}
const concurrency = process.env.TEST_CONCURRENCY ?? '2'
const result = spawnSync(
  process.execPath,
  [
    '--conditions=source',
    '--import',
    'tsx',
    '--test',
    `--test-concurrency=${concurrency}`,
    ...flags,
    ...files.map((f) => relative(root, f)),
  ],
  { cwd: root, stdio: 'inherit' },
)
if (skipped.size > 0) {
  console.log(`test: skipped on purpose (PLUME_TEST_SKIP): ${[...skipped].join(', ')} suites`)
}
process.exit(result.status ?? 1)
