#!/usr/bin/env node
// The `plume` bin. In a Plume checkout it runs the TypeScript sources through tsx, so it is
// never behind them; installed from a tarball (which ships no src/) it runs the built CLI.
import { existsSync } from 'node:fs'

const source = new URL('../src/index.ts', import.meta.url)
let entry = new URL('../dist/index.js', import.meta.url)
if (existsSync(source)) {
  const { register } = await import('tsx/esm/api')
  register()
  entry = source
}
const { run } = await import(entry.href)
process.exitCode = await run(process.argv.slice(2))
