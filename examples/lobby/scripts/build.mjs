#!/usr/bin/env node
// Builds the lobby page: bundles the seed's script (public/app.js) with @plume/client from
// source into dist/public/app.js and copies index.html beside it.
import { build } from 'esbuild'
import { copyFile, mkdir } from 'node:fs/promises'
import { dirname, resolve } from 'node:path'
import { fileURLToPath } from 'node:url'

const here = resolve(dirname(fileURLToPath(import.meta.url)), '..')

/** Writes index.html and app.js into `outDir` (default dist/public). */
export async function buildPage(outDir = resolve(here, 'dist/public')) {
  await mkdir(outDir, { recursive: true })
  await build({
    entryPoints: [resolve(here, 'public/app.js')],
    bundle: true,
    minify: true,
    format: 'iife',
    target: 'es2020',
    conditions: ['source'],
    outfile: resolve(outDir, 'app.js'),
    logLevel: 'warning',
  })
  await copyFile(resolve(here, 'public/index.html'), resolve(outDir, 'index.html'))
  return outDir
}

if (process.argv[1] === fileURLToPath(import.meta.url)) await buildPage()
