// Headless Chromium for browser tests through playwright-core (which downloads nothing):
// the system binary, launched with flags that keep it quiet and offline. Suites pass
// `chromiumSkip` to describe() so machines without Chromium skip instead of failing.
import { existsSync } from 'node:fs'
import { chromium, type Browser } from 'playwright-core'

/** Where the system Chromium is expected. */
export const CHROMIUM_PATH = '/usr/bin/chromium'

/** `false` when Chromium is installed; otherwise the reason to skip, for `describe(…, { skip })`. */
export const chromiumSkip: false | string = existsSync(CHROMIUM_PATH)
  ? false
  : `Chromium not found at ${CHROMIUM_PATH}`

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
  return chromium.launch({ executablePath: CHROMIUM_PATH, args: ARGS })
}
