// docs/testing.md embeds its complete example from testing-guide.test.ts region by region:
// every embedded block must equal its region, and every region must be embedded, so the
// page shows exactly the code that `npm test` runs.
import assert from 'node:assert/strict'
import { readFileSync } from 'node:fs'
import { it } from 'node:test'

const root = new URL('../../../', import.meta.url)
const doc = readFileSync(new URL('docs/testing.md', root), 'utf8')
const EXAMPLE = 'packages/server/test/testing-guide.test.ts'
const example = readFileSync(new URL(EXAMPLE, root), 'utf8')

function regions(source: string): Map<string, string> {
  const found = new Map<string, string>()
  for (const m of source.matchAll(/\/\/ #region (\w+)\n([\s\S]*?)\/\/ #endregion \1\n/g))
    found.set(m[1] ?? '', m[2] ?? '')
  return found
}

function embeds(markdown: string): Map<string, string> {
  const found = new Map<string, string>()
  const pattern = /<!-- embed: ([^#\s]+)#(\w+) -->\n```ts\n([\s\S]*?)```\n/g
  for (const m of markdown.matchAll(pattern)) {
    assert.equal(m[1], EXAMPLE, 'the page embeds only the example file')
    found.set(m[2] ?? '', m[3] ?? '')
  }
  return found
}

it('docs/testing.md shows the example file region by region, unchanged', () => {
  const inFile = regions(example)
  const inDoc = embeds(doc)
  assert.deepEqual([...inDoc.keys()], [...inFile.keys()], 'every region embedded, in order')
  for (const [name, code] of inFile) assert.equal(inDoc.get(name), code, `region ${name}`)
  assert.ok(inFile.size >= 5, `found only ${inFile.size} regions`)
})

it("docs/testing.md shows the example file's imports", () => {
  const imports = example.slice(example.indexOf('import assert'), example.indexOf('// #region'))
  assert.ok(doc.includes('```ts\n' + imports.trimEnd() + '\n```'), 'imports block differs')
})
