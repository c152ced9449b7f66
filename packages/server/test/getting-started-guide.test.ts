// docs/getting-started.md followed as a reader would: its files are taken from the guide's
// titled code blocks, the page is bundled with the guide's esbuild command and the server is
// started with the guide's node command. The official phoenix client then plays the guide's
// Alice (two tabs) and Bob, so a guide that drifts from the real APIs fails here.

import assert from 'node:assert/strict'
import { spawn, spawnSync, type ChildProcess } from 'node:child_process'
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises'
import { dirname, join, resolve } from 'node:path'
import { fileURLToPath } from 'node:url'
import { isDeepStrictEqual } from 'node:util'
import { after, before, it } from 'node:test'
import { waitFor } from '@plume/testkit'
import { Presence, Socket } from '@plume/testkit/phoenix'
import { WebSocket } from 'ws'

const root = resolve(dirname(fileURLToPath(import.meta.url)), '../../..')
const GUIDE = join(root, 'docs/getting-started.md')

/** The guide's files: every fenced block whose info string has `title="hello/…"`. */
function guideFiles(markdown: string): Map<string, string> {
  const files = new Map<string, string>()
  for (const m of markdown.matchAll(/```\w+ title="hello\/([^"]+)"\n([\s\S]*?)```/g)) {
    files.set(m[1] as string, m[2] as string)
  }
  return files
}

/** The guide's shell line starting with `prefix`, split into words. */
function guideCommand(markdown: string, prefix: string): string[] {
  const line = markdown.split('\n').find((l) => l.startsWith(prefix))
  assert.ok(line, `the guide has a command starting with "${prefix}"`)
  return line.trim().split(/\s+/)
}

/** Rewrites the guide's `hello/…` paths to the folder the test wrote the files to. */
function inFolder(words: string[], folder: string): string[] {
  return words.map((w) => w.replace(/(^|=)hello\//, `$1${folder}/`))
}

let markdown = ''
let folder = ''
let server: ChildProcess | undefined
let base = ''

before(async () => {
  markdown = await readFile(GUIDE, 'utf8')
  // Inside the repository (ignored by git and lint) so `@plume/*` resolve as in the guide.
  await mkdir(join(root, '.tmp'), { recursive: true })
  folder = await mkdtemp(join(root, '.tmp', 'getting-started-'))
  for (const [path, code] of guideFiles(markdown)) {
    await mkdir(dirname(join(folder, path)), { recursive: true })
    await writeFile(join(folder, path), code)
  }
})

after(async () => {
  server?.kill()
  if (folder) await rm(folder, { recursive: true, force: true })
})

it('the guide names the four files of the app', () => {
  const names = [...guideFiles(markdown).keys()].sort()
  assert.deepEqual(names, ['assets/app.js', 'public/index.html', 'server.ts'])
})

it("the guide's esbuild command bundles the page script", () => {
  const [npx, tool, ...args] = inFolder(guideCommand(markdown, 'npx esbuild'), folder)
  assert.equal(`${npx} ${tool}`, 'npx esbuild')
  const bin = join(root, 'node_modules/.bin/esbuild')
  const run = spawnSync(bin, args, { cwd: root, encoding: 'utf8' })
  assert.equal(run.status, 0, run.stderr)
})

it("the guide's node command serves the page and the socket", async () => {
  const [node, ...args] = inFolder(guideCommand(markdown, 'node --conditions'), folder)
  assert.equal(node, 'node')
  server = spawn(process.execPath, args, { cwd: root, env: { ...process.env, PORT: '0' } })
  let output = ''
  server.stdout?.on('data', (chunk: Buffer) => (output += chunk.toString()))
  server.stderr?.on('data', (chunk: Buffer) => (output += chunk.toString()))
  await waitFor('the server to print its URL', () => /listening on http:\/\//.test(output), {
    timeoutMs: 20_000,
    describe: () => output,
  })
  base = (/listening on (http:\/\/[^/\s]+)/.exec(output) as RegExpExecArray)[1] as string
  const page = await fetch(`${base}/`)
  assert.equal(page.status, 200)
  assert.match(await page.text(), /<main role="main"><\/main>/)
  const script = await fetch(`${base}/app.js`)
  assert.equal(script.status, 200)
  assert.match(script.headers.get('content-type') ?? '', /javascript/)
  assert.equal((await fetch(`${base}/nothing`)).status, 404)
})

type Counts = Record<string, number>

/** A tab of the guide's page, with the official client: connects as `name`, joins the lobby. */
function openTab(name: string): { socket: Socket; counts: () => Counts } {
  const socket = new Socket(`${base.replace('http', 'ws')}/socket`, {
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
  assert.ok(base, 'the server of the previous test is running')
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
