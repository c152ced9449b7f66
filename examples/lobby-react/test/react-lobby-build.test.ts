// The React lobby builds with Vite into the two files a lobby node serves, the bundle holds
// the app, and, served by a real lobby node, it shows who is online in headless Chromium.
// One build for the whole file: a Vite build costs seconds.
import assert from 'node:assert/strict'
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { after, before, describe, it } from 'node:test'
import { fileURLToPath } from 'node:url'
import type { Browser, Page } from 'playwright-core'
import { build } from 'vite'
import { PubSub, silentLogger } from '@plume/pubsub'
import { chromiumSkip as skip, launchChromium } from '@plume/testkit/chromium'
// The lobby node the page is the front end of (examples/lobby).
import { createLobby } from '../../lobby/src/lobby.js'

const root = fileURLToPath(new URL('..', import.meta.url))
const outDir = mkdtempSync(join(tmpdir(), 'plume-lobby-react-'))
let html = ''
let js = ''

before(async () => {
  await build({ root, logLevel: 'warn', build: { outDir, emptyOutDir: true } })
  html = readFileSync(join(outDir, 'index.html'), 'utf8')
  js = readFileSync(join(outDir, 'app.js'), 'utf8')
})

after(() => rmSync(outDir, { recursive: true, force: true }))

it('the build is the two files a lobby node serves: index.html loading /app.js', () => {
  assert.deepEqual(readdirSync(outDir).sort(), ['app.js', 'index.html'])
  assert.match(html, /<script type="module" crossorigin src="\/app\.js">/)
  assert.doesNotMatch(html, /src\/main\.tsx/)
})

it('the bundle holds the lobby component and joins room:lobby', () => {
  assert.match(js, /Who is online/)
  assert.match(js, /online users/)
  assert.match(js, /room:lobby/)
})

it('the bundle holds usePresence and the client that speaks the Phoenix protocol', () => {
  assert.match(js, /useSyncExternalStore/)
  for (const event of ['phx_join', 'presence_state', 'presence_diff'])
    assert.match(js, new RegExp(event))
})

describe('served by a lobby node, in headless Chromium', { skip }, () => {
  const lobby = createLobby({
    pubsub: new PubSub({ logger: silentLogger }),
    publicDir: outDir,
    logger: silentLogger,
  })
  let url = ''
  let browser: Browser
  const errors: string[] = []

  before(async () => {
    url = `http://127.0.0.1:${await lobby.listen(0)}`
    browser = await launchChromium()
  })

  after(async () => {
    await browser?.close()
    await lobby.close()
  })

  async function open(name: string): Promise<Page> {
    const page = await browser.newPage()
    page.on('pageerror', (e) => errors.push(`${name}: ${e.message}`))
    await page.goto(`${url}/?name=${name}`)
    return page
  }

  /** Waits until the page's list of online users reads exactly `lines`. */
  async function lists(page: Page, lines: string[]): Promise<void> {
    // Run in the page: they cannot close over anything of this file.
    const read = () =>
      Array.from(
        document.querySelectorAll('ul[aria-label="online users"] li'),
        (li) => li.textContent,
      )
    const matches = (expected: string[]) =>
      JSON.stringify(
        Array.from(
          document.querySelectorAll('ul[aria-label="online users"] li'),
          (li) => li.textContent,
        ),
      ) === JSON.stringify(expected)
    await page
      .waitForFunction(matches, lines, { timeout: 10_000, polling: 50 })
      .catch(async (error: unknown) => {
        const seen = JSON.stringify(await page.evaluate(read))
        assert.fail(`${String(error).split('\n')[0]}; the page lists ${seen}`)
      })
  }

  it('each tab lists everyone online, and a closed tab leaves the others', async () => {
    const alice = await open('Alice')
    const bob = await open('Bob')
    await lists(alice, ['Alice (count: 1)', 'Bob (count: 1)'])
    await lists(bob, ['Alice (count: 1)', 'Bob (count: 1)'])
    await bob.close()
    await lists(alice, ['Alice (count: 1)'])
    assert.deepEqual(errors, [])
  })
})
