// Headless Chromium for browser tests through playwright-core (which downloads nothing): the
// system binary found on PATH, launched with flags that keep it quiet and offline. `npm test`
// installs Chromium or stops before any suite runs when it is missing, so a suite skips only when
// the user asked for it with PLUME_TEST_SKIP=browser, and the run's summary says so.
import { accessSync, constants } from 'node:fs'
import { delimiter, join } from 'node:path'
import { chromium, type Browser } from 'playwright-core'

const NAMES = ['chromium', 'chromium-browser']

/** The system Chromium on PATH (`CHROMIUM_PATH` overrides), or `undefined` when there is none. */
export function findChromium(env: NodeJS.ProcessEnv = process.env): string | undefined {
  if (env['CHROMIUM_PATH']) return env['CHROMIUM_PATH']
  const dirs = (env['PATH'] ?? '').split(delimiter).filter(Boolean)
  const candidates = dirs.flatMap((dir) => NAMES.map((name) => join(dir, name)))
  return candidates.find((file) => isExecutable(file))
}

function isExecutable(file: string): boolean {
  try {
    accessSync(file, constants.X_OK)
    return true
  } catch {
    return false
  }
}

/** `false` unless the run opted out of browser suites; then the reason, for `describe(…, { skip })`. */
export const chromiumSkip: false | string = (process.env['PLUME_TEST_SKIP'] ?? '')
  .split(',')
  .map((s) => s.trim())
  .includes('browser')
  ? 'browser suites skipped on purpose (PLUME_TEST_SKIP=browser)'
  : false

// No sandbox (containers), no GPU, and no background traffic (updates, sync, QUIC probes).
const ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
]

/** Launches the system Chromium headless; close the returned browser in teardown. */
export function launchChromium(): Promise<Browser> {
  const executablePath = findChromium()
  if (!executablePath) {
    throw new Error(
      'Chromium not found on PATH: install it (apt-get install chromium), set CHROMIUM_PATH, ' +
        'or skip browser suites with PLUME_TEST_SKIP=browser',
    )
  }
  return chromium.launch({ executablePath, args: ARGS })
}
