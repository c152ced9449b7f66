// The seed's demo in headless Chromium: the page is built from sources (scripts/build.mjs)
// into a temp dir and served by the lobby; three tabs (Alice twice, Bob) must render exactly
// the guide's lines, and closing Alice's tabs must lower her count, then remove her.
import assert from 'node:assert/strict'
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { after, before, describe, it } from 'node:test'
import type { Browser, Page } from 'playwright-core'
import { chromiumSkip as skip, launchChromium } from '@plume/testkit/chromium'
import { startLobby, type LobbyNode } from './lobby-support.js'

const WAIT_MS = 10_000

describe('lobby page in headless Chromium', { skip }, () => {
  let dir: string
  let node: LobbyNode
  let browser: Browser
  const errors: string[] = []

  before(async () => {
    dir = mkdtempSync(join(tmpdir(), 'plume-lobby-'))
    // build.mjs is plain JS; a computed specifier keeps tsc from asking for its types.
    const script: string = '../scripts/build.mjs'
    const { buildPage } = (await import(script)) as { buildPage: (out: string) => Promise<string> }
    await buildPage(dir)
    node = await startLobby({ publicDir: dir })
    browser = await launchChromium()
  })

  after(async () => {
    await browser?.close()
    await node?.lobby.close()
    rmSync(dir, { recursive: true, force: true })
  })

  async function open(name: string): Promise<Page> {
    const page = await browser.newPage()
    page.on('pageerror', (e) => errors.push(`${name}: ${e.message}`))
    await page.goto(`${node.url}/?name=${name}`)
    return page
  }

  /** Waits until the page's main element shows exactly `lines` (non-empty, trimmed). */
  async function shows(page: Page, lines: string[]): Promise<void> {
    try {
      await page.waitForFunction(
        (expected) => {
          const main = document.querySelector<HTMLElement>('main[role=main]')
          const got = (main?.innerText ?? '')
            .split('\n')
            .map((l) => l.trim())
            .filter(Boolean)
          return JSON.stringify(got) === JSON.stringify(expected)
        },
        lines,
        { timeout: WAIT_MS, polling: 50 },
      )
    } catch (error) {
      const got = await page.evaluate(() => document.querySelector('main[role=main]')?.textContent)
      throw new Error(
        `page never showed ${JSON.stringify(lines)}; last text ${JSON.stringify(got)}`,
        { cause: error },
      )
    }
  }

  it("shows the guide's counts and follows tabs closing", async () => {
    const alice1 = await open('Alice')
    const alice2 = await open('Alice')
    const bob = await open('Bob')
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
