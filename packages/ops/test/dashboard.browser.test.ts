// The live dashboard in headless Chromium, over Plume's own client bundle built from source:
// refused without the token; with it, two nodes, the busiest topics, the members of a
// clicked topic and the metrics render, and a presence joining on the other node shows up
// without a reload. The run leaves a screenshot in test-results/dashboard.png.
import assert from 'node:assert/strict'
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { dirname, join, resolve } from 'node:path'
import { fileURLToPath } from 'node:url'
import { after, before, describe, it } from 'node:test'
import type { Browser, Page } from 'playwright-core'
import { WebSocket } from 'ws'
import { MemoryBus, silentLogger } from '@plume/pubsub'
import { chromiumSkip as skip, launchChromium } from '@plume/testkit/chromium'
import { waitFor, within } from '@plume/testkit'
import { Client, startNode, type OpsNode } from './support.js'

const WAIT_MS = 10_000
const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '../../..')
const TOKEN = 'let-me-see'

/** Runs in the page: the rows of a section's table as JSON, cells joined by ' | '. */
function readRows(id: string): string {
  return JSON.stringify(
    Array.from(document.querySelectorAll(`#${id} tbody tr`)).map((tr) =>
      Array.from(tr.querySelectorAll('td'))
        .map((td) => td.textContent?.trim())
        .join(' | '),
    ),
  )
}

describe('dashboard in headless Chromium', { skip }, () => {
  let dir: string
  let a: OpsNode
  let b: OpsNode
  let browser: Browser
  const clients: Client[] = []
  const errors: string[] = []

  before(async () => {
    dir = mkdtempSync(join(tmpdir(), 'plume-dashboard-'))
    // bundle.mjs is plain JS; a computed specifier keeps tsc from asking for its types.
    const script: string = '../../client/scripts/bundle.mjs'
    const { bundle } = (await import(script)) as { bundle: (out: string) => Promise<unknown> }
    await bundle(join(dir, 'plume.min.js'))
    const bus = new MemoryBus({ logger: silentLogger })
    const dashboard = {
      authorize: (req: { url: URL }) => req.url.searchParams.get('token') === TOKEN,
      intervalMs: 100,
      clientBundle: join(dir, 'plume.min.js'),
    }
    a = await startNode('node-a', { bus, dashboard })
    b = await startNode('node-b', { bus })
    browser = await launchChromium()
  })

  after(async () => {
    await browser?.close()
    for (const c of clients) await c.close()
    await a?.close()
    await b?.close()
    rmSync(dir, { recursive: true, force: true })
  })

  /** Waits until the rows of `section`'s table read `expected` (cells joined by ' | '). */
  async function rows(page: Page, section: string, expected: string[]): Promise<void> {
    const want = JSON.stringify(expected)
    let got = ''
    await waitFor(
      `#${section} to show ${want}`,
      async () => (got = await page.evaluate(readRows, section)) === want,
      { timeoutMs: WAIT_MS, intervalMs: 50, describe: () => ({ got, errors }) },
    )
  }

  it('refuses the page and the socket without the token', async () => {
    assert.equal((await fetch(`${a.url}/dashboard/`)).status, 403)
    const ok = await fetch(`${a.url}/dashboard?token=${TOKEN}`)
    assert.equal(ok.url, `${a.url}/dashboard/?token=${TOKEN}`, 'redirected to the page')
    assert.equal(ok.status, 200)
    assert.match(await ok.text(), /<title>Plume dashboard<\/title>/)
    const ws = new WebSocket(`${a.url.replace('http', 'ws')}/dashboard/socket/websocket?vsn=2.0.0`)
    ws.on('error', () => {})
    const status = await within(
      new Promise<number>((resolve) =>
        ws.once('unexpected-response', (_q, r) => resolve(r.statusCode ?? 0)),
      ),
      'refused handshake',
    )
    assert.equal(status, 403)
  })

  it('renders nodes, topics, members and metrics, and updates them live', async () => {
    const alice = await Client.open(a.wsUrl, 'alice')
    clients.push(alice)
    await alice.join('room:lobby')
    const page = await browser.newPage({ viewport: { width: 1280, height: 900 } })
    page.on('pageerror', (e) => errors.push(e.message))
    await page.goto(`${a.url}/dashboard?token=${TOKEN}`)
    await rows(page, 'nodes', ['node-a | self | 1', 'node-b | up | 0'])
    await rows(page, 'topics', ['room:lobby | 1'])
    assert.equal(await page.locator('#totals').innerText(), '1 presence in 1 topic')
    const carol = await Client.open(b.wsUrl, 'carol')
    clients.push(carol)
    await carol.join('room:lobby')
    await carol.join('room:kitchen')
    await rows(page, 'topics', ['room:lobby | 2', 'room:kitchen | 1'])
    await rows(page, 'nodes', ['node-a | self | 1', 'node-b | up | 2'])
    await page.click('#topics tr[data-topic="room:lobby"]')
    await page.waitForFunction(
      () => document.getElementById('watched')?.textContent === 'room:lobby',
    )
    await rows(page, 'members', ['alice | 1 | {"online_at":1}', 'carol | 1 | {"online_at":1}'])
    const metrics = await page.locator('#metrics tbody').innerText()
    // Alice and the dashboard page itself.
    assert.match(metrics, /plume_connections\s+transport="websocket"\s+2/)
    assert.match(metrics, /plume_replica_up\s+peer="node-b"\s+1/)
    assert.match(metrics, /nodejs_eventloop_lag_p99_seconds/)
    // Small byte counts stay readable (not "0.0 MiB").
    assert.match(metrics, /plume_frame_bytes_sent_total\s+transport="websocket"\s+[\d.]+ (B|KiB)\b/)
    mkdirSync(join(ROOT, 'test-results'), { recursive: true })
    await page.screenshot({ path: join(ROOT, 'test-results/dashboard.png'), fullPage: true })
    assert.deepEqual(errors, [])
    await page.close()
  })
})
