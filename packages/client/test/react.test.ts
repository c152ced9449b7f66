// `usePresence` in a real React 19 tree in headless Chromium: test/support/react-page.ts is
// bundled with esbuild (development React, so its warnings show), joins a room on our test
// server, and the test pushes presence diffs with fastlane broadcasts and watches the DOM.
// Skipped only if Chromium is missing.
import assert from 'node:assert/strict'
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { dirname, join } from 'node:path'
import { after, before, describe, it } from 'node:test'
import { fileURLToPath } from 'node:url'
import { build } from 'esbuild'
import type { Browser, Page } from 'playwright-core'
import { chromiumSkip as skip, launchChromium } from '@plume/testkit/chromium'
import { startServer, type TestServer } from './support/server.js'
import type { ReactPage } from './support/react-page.js'

const here = dirname(fileURLToPath(import.meta.url))
const WAIT = { timeout: 5000 }

type Metas = Record<string, { metas: Array<{ phx_ref: string }> }>
type Win = { plumeReact: ReactPage }

/** Bundles the page script into `dir` and returns the file's path. */
async function bundlePage(dir: string): Promise<string> {
  const outfile = join(dir, 'react-page.js')
  await build({
    entryPoints: [join(here, 'support/react-page.ts')],
    outfile,
    bundle: true,
    format: 'iife',
    platform: 'browser',
    target: 'es2022',
    conditions: ['source'],
    define: { 'process.env.NODE_ENV': '"development"' },
    logLevel: 'silent',
  })
  return outfile
}

/** The rendered list items, once they equal `expected` (or the last seen on timeout). */
async function shown(page: Page, expected: string[]): Promise<string[]> {
  const items = () =>
    page.$$eval('#root li', (lis) => lis.map((li) => li.textContent ?? ''), undefined)
  await page
    .waitForFunction(
      (want) =>
        JSON.stringify(
          Array.from(document.querySelectorAll('#root li'), (li) => li.textContent),
        ) === want,
      JSON.stringify(expected),
      WAIT,
    )
    .catch(() => undefined) // the assertion below reports what was rendered instead
  return items()
}

describe('usePresence in headless Chromium', { skip }, () => {
  let dir: string
  let pagePath: string
  let server: TestServer
  let browser: Browser
  before(async () => {
    dir = mkdtempSync(join(tmpdir(), 'plume-react-'))
    pagePath = await bundlePage(dir)
    server = await startServer()
    browser = await launchChromium()
  })
  after(async () => {
    await browser?.close()
    await server?.close()
    rmSync(dir, { recursive: true, force: true })
  })

  /** Opens a page running the page script; `problems` collects errors and warnings. */
  async function open(): Promise<{ page: Page; problems: string[] }> {
    const page = await browser.newPage()
    const problems: string[] = []
    page.on('pageerror', (e) => problems.push(`pageerror: ${e.message}`))
    page.on('console', (m) => {
      if (m.type() === 'error' || m.type() === 'warning') problems.push(`${m.type()}: ${m.text()}`)
    })
    await page.setContent('<div id="root"></div>')
    await page.addScriptTag({ path: pagePath })
    return { page, problems }
  }

  const diff = (topic: string, joins: Metas, leaves: Metas) =>
    server.endpoint.broadcast(topic, 'presence_diff', { joins, leaves })

  for (const strict of [false, true]) {
    it(`re-renders on each sync and lets go on unmount${strict ? ' (StrictMode)' : ''}`, async () => {
      const topic = `room:react-${strict ? 'strict' : 'plain'}`
      const { page, problems } = await open()
      await page.evaluate(
        ([base, topic, strict]) =>
          (window as unknown as Win).plumeReact.mount(base, 'alice', topic, strict),
        [server.base, topic, strict] as const,
      )
      // presence_state from the join
      assert.deepEqual(await shown(page, ['alice (count: 1)']), ['alice (count: 1)'])

      await diff(topic, { bob: { metas: [{ phx_ref: 'b1' }] } }, {})
      const both = ['alice (count: 1)', 'bob (count: 1)']
      assert.deepEqual(await shown(page, both), both)

      await diff(topic, { alice: { metas: [{ phx_ref: 'a2' }] } }, {})
      const twice = ['alice (count: 2)', 'bob (count: 1)']
      assert.deepEqual(await shown(page, twice), twice)

      await diff(topic, {}, { bob: { metas: [{ phx_ref: 'b1' }] } })
      assert.deepEqual(await shown(page, ['alice (count: 2)']), ['alice (count: 2)'])

      const bindings = () => page.evaluate(() => (window as unknown as Win).plumeReact.bindings())
      assert.equal(await bindings(), 2, 'one Presence (presence_state + presence_diff)')
      await page.evaluate(() => (window as unknown as Win).plumeReact.unmount())
      assert.equal(await bindings(), 1, "the hook's bindings are gone; only the page's counter")

      // A later diff reaches the channel but renders nothing and logs nothing.
      const renders = () => page.evaluate(() => (window as unknown as Win).plumeReact.renders)
      const rendersBefore = await renders()
      await diff(topic, { carol: { metas: [{ phx_ref: 'c1' }] } }, {})
      await page.waitForFunction(
        () => (window as unknown as Win).plumeReact.diffsAfterUnmount === 1,
        null,
        WAIT,
      )
      assert.equal(await renders(), rendersBefore)
      assert.equal(await page.$$eval('#root li', (lis) => lis.length), 0)
      assert.deepEqual(problems, [])
      await page.close()
    })
  }
})
