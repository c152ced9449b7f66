// The programs the test suite runs for real (brokers and a browser), and what to do when one is
// missing: install it from Debian when we are root (as CI does), otherwise stop with one message
// that names what is missing and how to install it. Shared by `npm test` and `.ci/run`.
import { spawnSync } from 'node:child_process'
import { accessSync, constants } from 'node:fs'
import { delimiter, join } from 'node:path'

/**
 * Each binary: the names it may have on PATH, its Debian package, and the PLUME_TEST_SKIP value
 * that skips the suites needing it (brokers have none: every adapter suite needs them).
 */
export const BINARIES = [
  { names: ['redis-server'], pkg: 'redis-server' },
  { names: ['nats-server'], pkg: 'nats-server' },
  { names: ['chromium', 'chromium-browser'], pkg: 'chromium', skip: 'browser' },
]

/** The first executable called `name` on PATH, or undefined. */
export function findOnPath(name, path = process.env.PATH ?? '') {
  for (const dir of path.split(delimiter)) {
    if (!dir) continue
    const full = join(dir, name)
    try {
      accessSync(full, constants.X_OK)
      return full
    } catch {
      // not here; keep looking
    }
  }
  return undefined
}

/** The suites the user opted out of with PLUME_TEST_SKIP (today only `browser`). */
export function optedOut(env = process.env) {
  const known = new Set(BINARIES.flatMap((b) => (b.skip ? [b.skip] : [])))
  const asked = (env.PLUME_TEST_SKIP ?? '')
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean)
  const unknown = asked.filter((s) => !known.has(s))
  if (unknown.length > 0) {
    throw new Error(
      `PLUME_TEST_SKIP: unknown value ${unknown.join(', ')} (known: ${[...known].join(', ')})`,
    )
  }
  return new Set(asked)
}

function missing(skipped, path) {
  return BINARIES.filter((b) => !skipped.has(b.skip) && !b.names.some((n) => findOnPath(n, path)))
}

function aptInstall(pkgs) {
  console.error(`test: installing ${pkgs.join(' ')} from Debian`)
  const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' }
  const update = spawnSync('apt-get', ['update', '-qq'], { stdio: 'inherit', env })
  if (update.status !== 0) return false
  const args = ['install', '-y', '-qq', ...pkgs]
  return spawnSync('apt-get', args, { stdio: ['ignore', 'ignore', 'inherit'], env }).status === 0
}

/**
 * Makes sure every binary the suite needs is on PATH. Returns the opted-out suites; throws
 * with an actionable message when something is missing and cannot be installed.
 */
export function ensureBinaries({
  env = process.env,
  isRoot = process.getuid?.() === 0,
  install = aptInstall,
} = {}) {
  const skipped = optedOut(env)
  let absent = missing(skipped, env.PATH)
  if (absent.length > 0 && isRoot) {
    install(absent.map((b) => b.pkg))
    absent = missing(skipped, env.PATH)
  }
  if (absent.length > 0) {
    const pkgs = absent.map((b) => b.pkg).join(' ')
    const skips = absent.flatMap((b) => (b.skip ? [b.skip] : []))
    const optOut = skips.length
      ? `\n  or skip those suites on purpose: PLUME_TEST_SKIP=${skips.join(',')} npm test`
      : ''
    throw new Error(
      `the test suite needs ${absent.map((b) => b.names[0]).join(', ')}, not found on PATH.\n` +
        `  install: sudo apt-get install ${pkgs}${optOut}`,
    )
  }
  return skipped
}
