#!/usr/bin/env node
// Runs one TypeScript entry point from source (tsx + the `source` export condition).
import { spawnSync } from 'node:child_process'
import { resolve, dirname } from 'node:path'
import { fileURLToPath } from 'node:url'

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..')
const [entry, ...rest] = process.argv.slice(2)
if (!entry) {
  console.error('usage: run-ts.mjs <entry.ts> [args...]')
  process.exit(2)
}
const result = spawnSync(
  process.execPath,
  ['--conditions=source', '--import', 'tsx', resolve(root, entry), ...rest],
  { stdio: 'inherit' },
)
process.exit(result.status ?? 1)
