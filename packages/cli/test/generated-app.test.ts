// End to end: `plume new` makes an app from this checkout's packed packages, which installs,
// type-checks, passes its own tests and serves the lobby to the official phoenix client; then
// `plume gen channel` and `plume gen presence` add files that type-check and whose tests
// pass. The app is created and installed once for the whole file.
import assert from 'node:assert/strict'
import { spawn } from 'node:child_process'
import type { ChildProcess } from 'node:child_process'
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { after, before, describe, it } from 'node:test'
import { waitFor } from '@plume/testkit'
import { chromiumSkip as skip, launchChromium } from '@plume/testkit/chromium'
import { Presence, Socket } from '@plume/testkit/phoenix'
import { WebSocket } from 'ws'
import { run } from '../src/run.js'

const scratch = mkdtempSync(join(tmpdir(), 'plume-new-'))
const app = join(scratch, 'my-app')

// The app's own `node --test` must not see that it runs inside this test (it would skip).
const { NODE_TEST_CONTEXT: _inTest, ...appEnv } = process.env

/** Runs a command in the app; resolves with its exit code and output. */
function sh(command: string, args: string[], timeoutMs = 120_000) {
  return new Promise<{ code: number | null; output: string }>((resolve) => {
    const child = spawn(command, args, { cwd: app, env: { ...appEnv, FORCE_COLOR: '0' } })
    let output = ''
    child.stdout.on('data', (d: Buffer) => (output += d.toString()))
    child.stderr.on('data', (d: Buffer) => (output += d.toString()))
    const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs)
    child.on('close', (code) => {
      clearTimeout(timer)
      resolve({ code, output })
    })
  })
}

async function plume(...argv: string[]) {
  const lines: string[] = []
  const io = {
    cwd: argv[0] === 'new' ? scratch : app,
    out: (t: string) => lines.push(t),
    err: (t: string) => lines.push(t),
  }
  const code = await run(argv, io)
  assert.equal(code, 0, lines.join('\n'))
}

/** Type-checks the whole app, then runs the given test files. */
async function typecheckAndTest(...files: string[]) {
  const tsc = await sh(process.execPath, ['node_modules/typescript/bin/tsc'])
  assert.equal(tsc.code, 0, `tsc failed:\n${tsc.output}`)
  const tests = await sh(process.execPath, ['--import', 'tsx', '--test', ...files])
  assert.equal(tests.code, 0, `tests failed:\n${tests.output}`)
  return tests.output
}

before(async () => {
  await plume('new', 'my-app')
  const install = await sh('npm', ['install', '--no-audit', '--no-fund', '--prefer-offline'])
  assert.equal(install.code, 0, `npm install failed:\n${install.output}`)
})

after(() => rmSync(scratch, { recursive: true, force: true }))

describe('plume new', () => {
  it('takes every Plume package from the packed checkout, none from the registry', () => {
    const pkg = JSON.parse(readFileSync(join(app, 'package.json'), 'utf8')) as {
      dependencies: Record<string, string>
      overrides: Record<string, string>
    }
    assert.match(pkg.dependencies['@plume/server'] ?? '', /^file:vendor\/plume-server-.*\.tgz$/)
    for (const spec of Object.values(pkg.overrides))
      assert.ok(existsSync(join(app, spec.slice(5))), spec)
    const lock = readFileSync(join(app, 'package-lock.json'), 'utf8')
    assert.doesNotMatch(lock, /registry\.npmjs\.org\/@plume\//)
  })

  it('installs the packed CLI, whose bin runs from its built files', async () => {
    const help = await sh(process.execPath, ['node_modules/@plume/cli/bin/plume.js', '--help'])
    assert.equal(help.code, 0, help.output)
    assert.match(help.output, /plume gen channel <Name>/)
    assert.ok(!existsSync(join(app, 'node_modules/@plume/cli/src')), 'the tarball ships no src/')
  })

  it('makes an app whose npm test type-checks it and passes', async () => {
    const result = await sh('npm', ['test'])
    assert.equal(result.code, 0, result.output)
    assert.match(result.output, /# fail 0/)
    assert.match(result.output, /two clients in the lobby each see both names/)
  })
})

describe('the new app under npm start', () => {
  let server: ChildProcess | undefined
  let url = ''
  before(async () => {
    server = spawn('npm', ['start'], { cwd: app, env: { ...appEnv, PORT: '0' }, detached: true })
    url = await announcedUrl(server)
  })
  after(() => stopped(server))

  it('serves the lobby channel to the official phoenix client', async () => {
    const socket = new Socket(`${url.replace('http', 'ws')}/socket`, {
      transport: WebSocket,
      params: { user_id: 'alice' },
    })
    const channel = socket.channel('room:lobby', {})
    const presence = new Presence(channel)
    socket.connect()
    channel.join()
    try {
      await waitFor('alice in the lobby', () => presence.list((id) => id).includes('alice'))
    } finally {
      socket.disconnect()
    }
  })

  it('serves a lobby page that shows who is online in Chromium', { skip }, async () => {
    const browser = await launchChromium()
    try {
      const page = await browser.newPage()
      const errors: string[] = []
      page.on('pageerror', (e) => errors.push(e.message))
      await page.goto(`${url}/?name=Zoe`)
      await page.getByText('Zoe (count: 1)').waitFor({ timeout: 10_000 })
      assert.deepEqual(errors, [])
    } finally {
      await browser.close()
    }
  })
})

describe('plume gen', () => {
  // One type-check for both generators: each tsc run of the app costs seconds.
  it('channel Room and presence ChatPresence add modules that type-check and tests that pass', async () => {
    await plume('gen', 'channel', 'Room')
    await plume('gen', 'presence', 'ChatPresence')
    const channelTest = readFileSync(join(app, 'test/room-channel.test.ts'), 'utf8')
    assert.match(channelTest, /from '@plume\/server\/testing'/, 'the channel test uses the helpers')
    const presence = readFileSync(join(app, 'src/chat-presence.ts'), 'utf8')
    assert.match(presence, /new Tracker\(\{ pubsub: endpoint\.pubsub, name: 'chat_presence' \}\)/)
    const output = await typecheckAndTest('test/room-channel.test.ts', 'test/chat-presence.test.ts')
    assert.match(output, /# pass 5/)
    assert.match(output, /ping is answered with its own payload/)
    assert.match(output, /a tracked presence is listed under its key with its meta/)
  })
})

/** The URL `npm start` prints once it listens. */
async function announcedUrl(server: ChildProcess): Promise<string> {
  let output = ''
  server.stdout?.on('data', (d: Buffer) => (output += d.toString()))
  server.stderr?.on('data', (d: Buffer) => (output += d.toString()))
  const announced = /http:\/\/[\d.]+:\d+(?=\/)/
  await waitFor('npm start to listen', () => announced.test(output), {
    timeoutMs: 30_000,
    describe: () => output,
  })
  return announced.exec(output)![0]
}

/** Stops `npm start` with SIGTERM to the whole process group npm started. */
async function stopped(server: ChildProcess | undefined): Promise<void> {
  if (server?.pid === undefined || server.exitCode !== null) return
  const exited = new Promise((resolve) => server.on('exit', resolve))
  process.kill(-server.pid, 'SIGTERM')
  await exited
}
