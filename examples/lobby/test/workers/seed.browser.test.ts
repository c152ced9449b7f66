// The seed's demo in headless Chromium on WORKERS=3, with the three tabs (Alice twice, Bob)
// on three different workers: each tab's WebSocket is checked against the workers' log and
// reopened if round-robin put it beside another tab. Presence then has to cross workers
// through the cluster adapter for every count the pages show.
import assert from 'node:assert/strict'
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { after, before, describe, it } from 'node:test'
import type { Browser, Page } from 'playwright-core'
import { waitFor } from '@plume/testkit'
import { chromiumSkip as skip, launchChromium } from '@plume/testkit/chromium'
import { WorkersLobby } from './support/workers-lobby.js'

const WAIT_MS = 15_000

describe('the seed scenario in Chromium across 3 workers', { skip }, () => {
  let dir: string
  let lobby: WorkersLobby
  let browser: Browser
  const errors: string[] = []
  const used: string[] = []

  before(async () => {
    dir = mkdtempSync(join(tmpdir(), 'plume-workers-'))
    const script: string = '../../scripts/build.mjs'
    const { buildPage } = (await import(script)) as { buildPage: (out: string) => Promise<string> }
    await buildPage(dir)
    lobby = await WorkersLobby.start(3, { PUBLIC_DIR: dir })
    browser = await launchChromium()
  })
  after(async () => {
    await browser?.close()
    const exit = await lobby?.stop('SIGTERM')
    rmSync(dir, { recursive: true, force: true })
    assert.deepEqual(exit, { code: 0, signal: null })
  })

  /** Opens a tab for `name` whose WebSocket lands on a worker no other tab uses. */
  async function open(name: string): Promise<Page> {
    for (let attempt = 0; attempt < 6; attempt++) {
      const before = lobby.upgradesOf(name).length
      const page = await browser.newPage()
      page.on('pageerror', (e) => errors.push(`${name}: ${e.message}`))
      await page.goto(`${lobby.url}/?name=${name}`)
      await waitFor(
        `${name}'s tab to open a WebSocket`,
        () => lobby.upgradesOf(name).length > before,
      )
      const node = lobby.upgradesOf(name)[before] ?? ''
      if (!used.includes(node)) {
        used.push(node)
        return page
      }
      await page.close()
    }
    throw new Error(`${name}'s tab kept landing on ${used.join(', ')}`)
  }

  async function shows(page: Page, lines: string[]): Promise<void> {
    const read = () =>
      page.evaluate(() =>
        (document.querySelector<HTMLElement>('main[role=main]')?.innerText ?? '')
          .split('\n')
          .map((l) => l.trim())
          .filter(Boolean),
      )
    let last: string[] = []
    await waitFor(
      `the page to show ${JSON.stringify(lines)}`,
      async () => JSON.stringify((last = await read())) === JSON.stringify(lines),
      { timeoutMs: WAIT_MS, intervalMs: 50, describe: () => last },
    )
  }

  it("shows the guide's counts with every tab on its own worker", async () => {
    const alice1 = await open('Alice')
    const alice2 = await open('Alice')
    const bob = await open('Bob')
    assert.equal(new Set(used).size, 3, `tabs on ${used.join(', ')}`)
    for (const page of [alice1, alice2, bob])
      await shows(page, ['Alice (count: 2)', 'Bob (count: 1)'])

    await alice1.close()
    for (const page of [alice2, bob]) await shows(page, ['Alice (count: 1)', 'Bob (count: 1)'])

    await alice2.close()
    await shows(bob, ['Bob (count: 1)'])
    await bob.close()
    assert.deepEqual(errors, [])
  })
})
