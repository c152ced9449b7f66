#!/usr/bin/env node
// Fails when any package's sources contain an import cycle, or when package.json
// dependencies between workspaces form a cycle. Type-only imports count too: a cycle of
// types still ties the modules together (they cannot be understood or moved apart).
import { spawnSync } from 'node:child_process'
import { readFileSync, readdirSync } from 'node:fs'

const pkgs = readdirSync('packages').map((d) =>
  JSON.parse(readFileSync(`packages/${d}/package.json`, 'utf8')),
)
const deps = new Map(
  pkgs.map((p) => [
    p.name,
    Object.keys(p.dependencies ?? {}).filter((d) => d.startsWith('@plume/')),
  ]),
)
const visiting = new Set()
const done = new Set()
function visit(name, path) {
  if (done.has(name)) return
  if (visiting.has(name)) throw new Error(`package cycle: ${[...path, name].join(' -> ')}`)
  visiting.add(name)
  for (const d of deps.get(name) ?? []) visit(d, [...path, name])
  visiting.delete(name)
  done.add(name)
}
for (const name of deps.keys()) visit(name, [])

const entries = readdirSync('packages').map((d) => `packages/${d}/src/index.ts`)
const r = spawnSync(
  'npx',
  ['dpdm', '--no-warning', '--no-tree', '--exit-code', 'circular:1', ...entries],
  {
    stdio: 'inherit',
  },
)
process.exit(r.status ?? 1)
