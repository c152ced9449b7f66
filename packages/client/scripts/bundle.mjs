#!/usr/bin/env node
// Builds the browser bundle: one minified IIFE exposing the global `Plume`
// (Socket, Channel, Presence, LongPoll, Push). Usage: node scripts/bundle.mjs [outfile]
import { build } from 'esbuild'
import { dirname, resolve } from 'node:path'
import { fileURLToPath } from 'node:url'

const pkg = resolve(dirname(fileURLToPath(import.meta.url)), '..')

/** Bundles src/browser.ts to `outfile` (default dist/plume.min.js). */
export async function bundle(outfile = resolve(pkg, 'dist/plume.min.js')) {
  await build({
    entryPoints: [resolve(pkg, 'src/browser.ts')],
    outfile,
    bundle: true,
    minify: true,
    format: 'iife',
    globalName: 'Plume',
    target: 'es2022',
    conditions: ['source'],
    // The browser bundle uses the terse codec (same wire format, see src/lite-protocol.ts).
    alias: { '@plume/protocol': resolve(pkg, 'src/lite-protocol.ts') },
    sourcemap: true,
    legalComments: 'none',
    logLevel: 'warning',
  })
  return outfile
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const out = await bundle(process.argv[2] && resolve(process.argv[2]))
  console.log(`wrote ${out}`)
}
