// docs/getting-started.md followed as a reader would: its files are taken from the guide's
// titled code blocks, the page is bundled with the guide's esbuild command and the server is
// started with the guide's node command. The official phoenix client then plays the guide's
// Alice (two tabs) and Bob, so a guide that drifts from the real APIs fails here.

import assert from 'node:assert/strict'
import { spawnSync } from 'node:child_process'
import { readFile } from 'node:fs/promises'
import { join } from 'node:path'
import { isDeepStrictEqual } from 'node:util'
import { after, before, it } from 'node:test'
import { waitFor } from '@plume/testkit'
import { Presence, Socket } from '@plume/testkit/phoenix'
import { WebSocket } from 'ws'
import {
  guideCommand,
  guideFiles,
  repoRoot,
  startGuideServer,
  writeGuideApp,
  type GuideApp,
  type GuideServer,
} from './guide-support.js'

const GUIDE = 'docs/getting-started.md'

let markdown = ''
let app: GuideApp | undefined
let server: GuideServer | undefined

before(async () => {
  markdown = await readFile(join(repoRoot, GUIDE), 'utf8')
  app = await writeGuideApp(GUIDE, 'hello')
})

after(async () => {
  server?.stop()
  await app?.remove()
})

it('the guide names the files of the app', () => {
  const names = [...guideFiles(markdown, 'hello').keys()].sort()
  assert.deepEqual(names, ['assets/app.js', 'public/index.html', 'server.ts'])
})

it("the guide's esbuild command bundles the page script", () => {
  const [npx, tool, ...args] = (app as GuideApp).paths(guideCommand(markdown, 'npx esbuild'))
  assert.equal(`${npx} ${tool}`, 'npx esbuild')
  const bin = join(repoRoot, 'node_modules/.bin/esbuild')
  const run = spawnSync(bin, args, { cwd: repoRoot, encoding: 'utf8' })
  assert.equal(run.status, 0, run.stderr)
})

it("the guide's node command serves the page and the socket", async () => {
  const [node, ...args] = (app as GuideApp).paths(guideCommand(markdown, 'node --conditions'))
  assert.equal(node, 'node')
  server = await startGuideServer(args)
  const page = await fetch(`${server.base}/`)
  assert.equal(page.status, 200)
  assert.match(await page.text(), /<main role="main"><\/main>/)
  const script = await fetch(`${server.base}/app.js`)
  assert.equal(script.status, 200)
  assert.match(script.headers.get('content-type') ?? '', /javascript/)
  assert.equal((await fetch(`${server.base}/nothing`)).status, 404)
})

type Counts = Record<string, number>

/** A tab of the guide's page, with the official client: connects as `name`, joins the lobby. */
function openTab(name: string): { socket: Socket; counts: () => Counts } {
  const socket = new Socket(`${(server as GuideServer).base.replace('http', 'ws')}/socket`, {
    transport: WebSocket,
    params: { user_id: name },
  })
  socket.connect()
  const channel = socket.channel('room:lobby', {})
  const presence = new Presence(channel)
  let counts: Counts = {}
  presence.onSync(() => {
    counts = Object.fromEntries(presence.list((id, { metas }) => [id, metas.length]))
  })
  channel.join()
  return { socket, counts: () => counts }
}

it('tabs show who is online with counts, as the guide says', async (t) => {
  assert.ok(server, 'the server of the previous test is running')
  const tabs = [openTab('Alice'), openTab('Alice'), openTab('Bob')] as const
  t.after(() => tabs.forEach((tab) => tab.socket.disconnect()))
  const [alice1, alice2, bob] = tabs
  const show = () => JSON.stringify(tabs.map((tab) => tab.counts()))
  const everyTab = (want: Counts) => () =>
    tabs.every((tab) => isDeepStrictEqual(tab.counts(), want))
  await waitFor('every tab to show Alice (2) and Bob (1)', everyTab({ Alice: 2, Bob: 1 }), {
    describe: show,
  })
  alice1.socket.disconnect()
  const bobSees = (want: Counts) => () => isDeepStrictEqual(bob.counts(), want)
  await waitFor('Alice (1) once one of her tabs closed', bobSees({ Alice: 1, Bob: 1 }), {
    describe: show,
  })
  alice2.socket.disconnect()
  await waitFor('Alice gone once both closed', bobSees({ Bob: 1 }), { describe: show })
})
