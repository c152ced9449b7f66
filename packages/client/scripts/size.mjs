#!/usr/bin/env node
// Prints the gzipped size of our browser bundle next to the official phoenix.min.js: the
// phoenix 1.8.1 budget below and the phoenix installed in node_modules. Rebuilds
// dist/plume.min.js first. Exits 1 if ours is larger than the 1.8.1 budget.
import { spawnSync } from 'node:child_process'
import { readFileSync } from 'node:fs'
import { createRequire } from 'node:module'
import { dirname, resolve } from 'node:path'
import { fileURLToPath } from 'node:url'
import { gzipSync } from 'node:zlib'
import { bundle } from './bundle.mjs'

/**
 * The budget: phoenix.min.js of phoenix 1.8.1, from `npm pack phoenix@1.8.1` (file
 * package/priv/static/phoenix.min.js, 23 740 B raw). GNU gzip 1.12 `gzip -9 -c FILE` gives
 * 7 351 B (7 376 B at the default level); Node's zlib at level 9, which this script and the
 * test use for both files, gives 7 327 B for the same file.
 */
export const PHOENIX_1_8_1 = { raw: 23740, gzip9: 7351, gzipDefault: 7376, zlib9: 7327 }

/** Gzipped size with Node's zlib at level 9 (no file name in the header). */
export const zlib9 = (file) => gzipSync(readFileSync(file), { level: 9 }).length

/** Size from the `gzip` program (`gzip -9 -c FILE`, name in the header), or null without it. */
export function gzipCli(file, level = 9) {
  const r = spawnSync('gzip', [`-${level}`, '-c', file], { maxBuffer: 1 << 24 })
  return r.status === 0 ? r.stdout.length : null
}

function installedPhoenix() {
  const require = createRequire(import.meta.url)
  // phoenix's exports map hides package.json; resolve its CommonJS main (priv/static/…).
  const dir = resolve(dirname(require.resolve('phoenix')), '../..')
  const { version } = JSON.parse(readFileSync(resolve(dir, 'package.json'), 'utf8'))
  return { file: resolve(dir, 'priv/static/phoenix.min.js'), version }
}

async function main() {
  const pkg = resolve(dirname(fileURLToPath(import.meta.url)), '..')
  const ours = resolve(pkg, 'dist/plume.min.js')
  await bundle(ours)
  const theirs = installedPhoenix()
  const a = zlib9(ours)
  const cli = gzipCli(ours)
  const budget = PHOENIX_1_8_1
  const cliNote = cli === null ? '' : `, gzip -9 ${cli} B`
  console.log(
    `plume.min.js              raw ${readFileSync(ours).length} B, zlib -9 ${a} B${cliNote}`,
  )
  console.log(
    `phoenix.min.js 1.8.1      raw ${budget.raw} B, zlib -9 ${budget.zlib9} B, gzip -9 ${budget.gzip9} B (budget)`,
  )
  console.log(
    `phoenix.min.js ${theirs.version.padEnd(10)} raw ${readFileSync(theirs.file).length} B, zlib -9 ${zlib9(theirs.file)} B (installed)`,
  )
  const over = a > budget.zlib9 || (cli !== null && cli > budget.gzip9)
  if (over) {
    console.error('plume.min.js is larger than phoenix 1.8.1 phoenix.min.js (gzipped)')
    process.exit(1)
  }
  console.log(`${budget.zlib9 - a} B under the phoenix 1.8.1 budget (zlib -9)`)
}

if (process.argv[1] === fileURLToPath(import.meta.url)) await main()
