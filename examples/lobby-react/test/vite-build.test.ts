// The React lobby builds with Vite, and the bundle holds the app: its page, the lobby
// component, the usePresence binding and @plume/client's protocol code.
import assert from 'node:assert/strict'
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { after, before, it } from 'node:test'
import { fileURLToPath } from 'node:url'
import { build } from 'vite'

const root = fileURLToPath(new URL('..', import.meta.url))
const outDir = mkdtempSync(join(tmpdir(), 'plume-lobby-react-'))
let html = ''
let js = ''

before(async () => {
  await build({ root, logLevel: 'warn', build: { outDir, emptyOutDir: true } })
  html = readFileSync(join(outDir, 'index.html'), 'utf8')
  const scripts = readdirSync(join(outDir, 'assets')).filter((f) => f.endsWith('.js'))
  js = scripts.map((f) => readFileSync(join(outDir, 'assets', f), 'utf8')).join('\n')
})

after(() => rmSync(outDir, { recursive: true, force: true }))

it('index.html loads the built bundle, not the TypeScript entry', () => {
  assert.match(html, /<script type="module" crossorigin src="\/assets\/[\w-]+\.js">/)
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
