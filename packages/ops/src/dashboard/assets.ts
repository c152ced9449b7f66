// The dashboard's static files: its page and script (assets/ beside src/ and dist/) and
// @plume/client's browser bundle, read once and kept in memory.
import { readFile } from 'node:fs/promises'
import { dirname, join, resolve } from 'node:path'
import { fileURLToPath } from 'node:url'

/** A file served by the dashboard. */
export interface Asset {
  readonly type: string
  readonly body: Buffer
}

const ASSETS = resolve(dirname(fileURLToPath(import.meta.url)), '../../assets')

/** Where @plume/client keeps its built browser bundle (`npm run build` makes it). */
export function defaultClientBundle(): string {
  const entry = fileURLToPath(import.meta.resolve('@plume/client'))
  // src/index.ts under the `source` condition, dist/index.js otherwise: both one level down.
  return join(dirname(dirname(entry)), 'dist', 'plume.min.js')
}

/** Loads the page, its script and the client bundle; rejects naming a missing file. */
export async function loadAssets(clientBundle: string): Promise<Map<string, Asset>> {
  const js = 'text/javascript; charset=utf-8'
  const read = async (file: string, what: string): Promise<Buffer> => {
    try {
      return await readFile(file)
    } catch (error) {
      throw new Error(`dashboard: cannot read ${what} at ${file} (${String(error)})`)
    }
  }
  const page = await read(join(ASSETS, 'dashboard.html'), 'the page')
  const script = await read(join(ASSETS, 'dashboard.js'), 'the page script')
  const client = await read(clientBundle, "@plume/client's bundle (npm run build)")
  return new Map([
    ['/', { type: 'text/html; charset=utf-8', body: page }],
    ['/app.js', { type: js, body: script }],
    ['/plume.min.js', { type: js, body: client }],
  ])
}
