#!/usr/bin/env node
// Packs every published workspace (each one not marked private) the way `npm publish` would,
// then checks the tarball: it holds package.json, README.md, the repository's LICENSE and
// every file its exports/bin point at, and nothing of the build's or the tests' leftovers;
// `publint --strict` and `@arethetypeswrong/cli` (ESM-only profile: Plume ships no CommonJS)
// both pass on it. Needs the build first (`npm run build`). Runs offline. Exit 1 on a problem.
import { spawnSync } from 'node:child_process'
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join, resolve, dirname } from 'node:path'
import { fileURLToPath } from 'node:url'

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..')
const bin = (name) => join(root, 'node_modules/.bin', name)
const readJson = (path) => JSON.parse(readFileSync(path, 'utf8'))

/** Workspaces that `npm publish` would publish. */
function publishedWorkspaces() {
  return readJson(join(root, 'package.json'))
    .workspaces.map((dir) => ({
      dir: join(root, dir),
      pkg: readJson(join(root, dir, 'package.json')),
    }))
    .filter(({ pkg }) => pkg.private !== true)
}

function run(command, args, cwd) {
  const result = spawnSync(command, args, { cwd, encoding: 'utf8' })
  return { ok: result.status === 0, output: `${result.stdout}${result.stderr}`.trim() }
}

/** Every file path an exports map, main/types or bin names, without the leading './'. */
function declaredFiles(pkg) {
  const out = []
  const walk = (value, condition) => {
    if (typeof value === 'string') {
      if (condition !== 'source') out.push(value)
    } else if (value && typeof value === 'object') {
      for (const [key, inner] of Object.entries(value)) walk(inner, key)
    }
  }
  walk(pkg.exports, '')
  walk(pkg.main, 'main')
  walk(pkg.types, 'types')
  walk(pkg.bin, 'bin')
  return out.map((p) => p.replace(/^\.\//, ''))
}

/** Files a package must ship that no exports entry names. */
const UNDECLARED = {
  // The browser bundle (global `Plume`): apps made by `plume new` serve it to their page.
  '@plume/client': ['dist/plume.min.js'],
}

/** What the tarball holds that it should not, or lacks. */
function contentProblems(pkg, dir, files) {
  const problems = []
  const needs = ['package.json', 'README.md', 'LICENSE', ...declaredFiles(pkg)]
  for (const needed of [...needs, ...(UNDECLARED[pkg.name] ?? [])]) {
    if (!files.includes(needed)) problems.push(`missing ${needed}`)
  }
  // The CLI's templates/ hold the tests of the apps it generates: they belong in its tarball.
  const leftover = /\.tsbuildinfo$|^(?!templates\/)(.*\/)?test\/|\.test\.[jt]s$/
  for (const file of files) if (leftover.test(file)) problems.push(`ships ${file}`)
  const license = join(dir, 'LICENSE')
  if (
    existsSync(license) &&
    readFileSync(license, 'utf8') !== readFileSync(join(root, 'LICENSE'), 'utf8')
  )
    problems.push('LICENSE differs from the repository LICENSE')
  if (pkg.license !== 'MIT') problems.push(`license field is ${pkg.license}, not MIT`)
  return problems
}

function pack(dir, destination) {
  const result = run('npm', ['pack', '--json', '--pack-destination', destination], dir)
  if (!result.ok) return { problems: [`npm pack failed:\n${result.output}`] }
  const [info] = JSON.parse(result.output.slice(result.output.indexOf('[')))
  return { tarball: join(destination, info.filename), files: info.files.map((f) => f.path) }
}

function checkPackage({ dir, pkg }, destination) {
  if (!existsSync(join(dir, 'dist'))) return [`no dist/: run \`npm run build\` first`]
  const packed = pack(dir, destination)
  if (packed.problems) return packed.problems
  const problems = contentProblems(pkg, dir, packed.files)
  const publint = run(bin('publint'), ['run', packed.tarball, '--strict'], root)
  if (!publint.ok) problems.push(`publint:\n${publint.output}`)
  const attw = run(
    bin('attw'),
    [
      packed.tarball,
      '--profile',
      'esm-only',
      '--no-definitely-typed',
      '--format',
      'ascii',
      '--no-color',
    ],
    root,
  )
  if (!attw.ok) problems.push(`attw:\n${attw.output}`)
  return problems
}

const destination = mkdtempSync(join(tmpdir(), 'plume-pack-'))
let failed = 0
try {
  for (const workspace of publishedWorkspaces()) {
    const problems = checkPackage(workspace, destination)
    failed += problems.length > 0 ? 1 : 0
    const verdict = problems.length ? `FAIL\n  ${problems.join('\n  ')}` : 'ok'
    console.log(`${workspace.pkg.name}: ${verdict}`)
  }
} finally {
  rmSync(destination, { recursive: true, force: true })
}
if (failed > 0) {
  console.error(`check-packages: ${failed} package(s) would publish wrong`)
  process.exit(1)
}
