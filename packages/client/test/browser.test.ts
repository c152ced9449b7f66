// The minified browser bundle in headless Chromium: the page loads plume.min.js (built here
// with esbuild into a temp dir), joins a channel on our server, and renders a pushed reply
// and the presence list with the seed's Presence code. Skipped only if Chromium is missing.
import assert from 'node:assert/strict'
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { after, before, describe, it } from 'node:test'
import type { Browser } from 'playwright-core'
import { chromiumSkip as skip, launchChromium } from '@plume/testkit/chromium'
import { startServer, type TestServer } from './support/server.js'

describe('browser bundle in headless Chromium', { skip }, () => {
  let dir: string
  let bundlePath: string
  let server: TestServer
  let browser: Browser
  before(async () => {
    dir = mkdtempSync(join(tmpdir(), 'plume-browser-'))
    // scripts/bundle.mjs is plain JS; a computed specifier keeps tsc from asking for its types.
    const script: string = '../scripts/bundle.mjs'
    const { bundle } = (await import(script)) as { bundle: (out: string) => Promise<string> }
    bundlePath = await bundle(join(dir, 'plume.min.js'))
    server = await startServer()
    browser = await launchChromium()
  })
  after(async () => {
    await browser?.close()
    await server?.close()
    rmSync(dir, { recursive: true, force: true })
  })

  it('joins, shows a pushed reply and the presence list', async () => {
    const page = await browser.newPage()
    const errors: string[] = []
    page.on('pageerror', (e) => errors.push(e.message))
    await page.setContent('<main role="main"></main><p id="reply"></p>')
    await page.addScriptTag({ path: bundlePath })
    assert.deepEqual(await page.evaluate('Object.keys(window.Plume).sort()'), [
      'Channel',
      'LongPoll',
      'Presence',
      'Push',
      'Socket',
    ])
    // The seed's client code (seed-presence-guide.md) verbatim but for where Socket and
    // Presence come from, plus a push whose reply is shown. A string, so tsx's transpiler
    // cannot inject helpers into code that runs in the page.
    await page.addScriptTag({
      content: `
        const { Socket, Presence } = window.Plume
        let socket = new Socket(${JSON.stringify(server.base)}, {
          params: { user_id: "Alice" }
        })
        function renderOnlineUsers(presences) {
          let response = ""
          Presence.list(presences, (id, {metas: [first, ...rest]}) => {
            let count = rest.length + 1
            response += \`<br>\${id} (count: \${count})</br>\`
          })
          document.querySelector("main[role=main]").innerHTML = response
        }
        socket.connect()
        let presences = {}
        let channel = socket.channel("room:lobby", {})
        channel.on("presence_state", state => {
          presences = Presence.syncState(presences, state)
          renderOnlineUsers(presences)
        })
        channel.on("presence_diff", diff => {
          presences = Presence.syncDiff(presences, diff)
          renderOnlineUsers(presences)
        })
        channel.join().receive("ok", () => {
          channel.push("ping", { from: "browser" }).receive("ok", resp => {
            document.querySelector("#reply").textContent = JSON.stringify(resp)
          })
        })
      `,
    })
    await page.waitForFunction(() => document.querySelector('#reply')?.textContent !== '', null, {
      timeout: 5000,
    })
    assert.equal(await page.textContent('#reply'), '{"pong":{"from":"browser"}}')
    await page.waitForFunction(
      () => document.querySelector('main')?.textContent?.includes('count'),
      null,
      { timeout: 5000 },
    )
    assert.equal(await page.textContent('main'), 'Alice (count: 1)')
    assert.deepEqual(errors, [])
    await page.close()
  })
})
