// Where a new app takes the Plume packages from. From the registry once they are published;
// until then, and whenever the CLI runs from a Plume checkout, from tarballs `npm pack`
// makes of that checkout, copied into the app's vendor/ folder so it installs offline.
import { execFile } from 'node:child_process'
import { existsSync, readFileSync } from 'node:fs'
import { mkdir } from 'node:fs/promises'
import { join, relative, resolve } from 'node:path'
import { fileURLToPath } from 'node:url'
import { promisify } from 'node:util'
import { CliError } from './errors.js'

const run = promisify(execFile)

/** The workspaces a new app depends on, directly or not, as folders of a checkout. */
export const PLUME_PACKAGES = [
  'protocol',
  'crdt',
  'pubsub',
  'tracker',
  'server',
  'client',
  'cli',
] as const

/** Package name → the version spec the app's package.json gives it. */
export type PlumeSpecs = Record<string, string>

/** The checkout this CLI runs from, or undefined when it was installed from a registry. */
export function enclosingCheckout(): string | undefined {
  const root = fileURLToPath(new URL('../../..', import.meta.url))
  try {
    const pkg = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as { name?: string }
    return pkg.name === 'plume' && existsSync(join(root, 'packages/server')) ? root : undefined
  } catch {
    return undefined
  }
}

/** Specs for a registry install: the CLI's own version of each package. */
export function registrySpecs(version: string): PlumeSpecs {
  return Object.fromEntries(PLUME_PACKAGES.map((p) => [`@plume/${p}`, `^${version}`]))
}

/** Builds the checkout's packages and packs them into `vendorDir`; returns file: specs. */
export async function packCheckout(checkout: string, appDir: string): Promise<PlumeSpecs> {
  const vendorDir = join(appDir, 'vendor')
  try {
    await buildCheckout(checkout)
    await mkdir(vendorDir, { recursive: true })
    const workspaces = PLUME_PACKAGES.flatMap((p) => ['-w', `@plume/${p}`])
    const { stdout } = await run(
      'npm',
      ['pack', '--json', '--pack-destination', vendorDir, ...workspaces],
      { cwd: checkout, maxBuffer: 64 * 1024 * 1024 },
    )
    const packed = JSON.parse(stdout) as Array<{ name: string; filename: string }>
    const spec = (file: string) => `file:${relative(appDir, resolve(vendorDir, file))}`
    return Object.fromEntries(packed.map((p) => [p.name, spec(p.filename)]))
  } catch (error) {
    throw new CliError(`packing Plume from ${checkout} failed: ${describe(error)}`)
  }
}

// Tarballs hold the built JS: compile every package, and the client's browser bundle.
async function buildCheckout(checkout: string): Promise<void> {
  const tsc = join(checkout, 'node_modules/typescript/bin/tsc')
  const projects = PLUME_PACKAGES.map((p) => `packages/${p}`)
  await run(process.execPath, [tsc, '-b', ...projects], { cwd: checkout })
  await run(process.execPath, ['packages/client/scripts/bundle.mjs'], { cwd: checkout })
}

function describe(error: unknown): string {
  const e = error as { stderr?: string; stdout?: string; message?: string }
  return (e.stderr || e.stdout || e.message || String(error))
    .trim()
    .split('\n')
    .slice(0, 20)
    .join('\n')
}
