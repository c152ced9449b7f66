#!/usr/bin/env node
// Prints the gzipped size of our browser bundle next to the official phoenix.min.js.
// Builds the bundle first if it is missing. Exits 1 if ours is larger.
import { existsSync, readFileSync } from 'node:fs'
import { createRequire } from 'node:module'
import { dirname, resolve } from 'node:path'
import { fileURLToPath } from 'node:url'
import { gzipSync } from 'node:zlib'
import { bundle } from './bundle.mjs'

const pkg = resolve(dirname(fileURLToPath(import.meta.url)), '..')
const ours = resolve(pkg, 'dist/plume.min.js')
if (!existsSync(ours)) await bundle(ours)
const require = createRequire(import.meta.url)
// phoenix's exports map hides package.json; resolve its CommonJS main (priv/static/…).
const phoenixDir = resolve(dirname(require.resolve('phoenix')), '../..')
const theirs = resolve(phoenixDir, 'priv/static/phoenix.min.js')
const version = JSON.parse(readFileSync(resolve(phoenixDir, 'package.json'), 'utf8')).version

const gz = (file) => gzipSync(readFileSync(file), { level: 9 }).length
const kb = (n) => `${n} B (${(n / 1024).toFixed(2)} KiB)`
const a = gz(ours)
const b = gz(theirs)
console.log(`plume.min.js        raw ${readFileSync(ours).length} B, gzip ${kb(a)}`)
console.log(`phoenix.min.js ${version} raw ${readFileSync(theirs).length} B, gzip ${kb(b)}`)
if (a > b) {
  console.error('plume.min.js is larger than phoenix.min.js (gzipped)')
  process.exit(1)
}
