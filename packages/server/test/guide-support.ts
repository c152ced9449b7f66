// Follows a guide in docs/ as a reader would: writes the files of its titled code blocks
// (```ts title="<app>/server.ts") into a scratch folder inside the repository, so `@plume/*`
// resolve as they do for the reader, and runs its server with the guide's own command line.

import assert from 'node:assert/strict'
import { spawn } from 'node:child_process'
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises'
import { dirname, join, resolve } from 'node:path'
import { fileURLToPath } from 'node:url'
import { waitFor } from '@plume/testkit'

export const repoRoot = resolve(dirname(fileURLToPath(import.meta.url)), '../../..')

/** A guide's files, keyed by their path below `<app>/`. */
export function guideFiles(markdown: string, app: string): Map<string, string> {
  const files = new Map<string, string>()
  const block = new RegExp('```\\w+ title="' + app + '/([^"]+)"\\n([\\s\\S]*?)```', 'g')
  for (const m of markdown.matchAll(block)) files.set(m[1] as string, m[2] as string)
  return files
}

/** The guide's shell line starting with `prefix`, split into words. */
export function guideCommand(markdown: string, prefix: string): string[] {
  const line = markdown.split('\n').find((l) => l.startsWith(prefix))
  assert.ok(line, `the guide has a command starting with "${prefix}"`)
  return line.trim().split(/\s+/)
}

/** A guide's app written out to a scratch folder; `paths` rewrites `<app>/…` to it. */
export interface GuideApp {
  readonly folder: string
  paths(words: readonly string[]): string[]
  remove(): Promise<void>
}

export async function writeGuideApp(docPath: string, app: string): Promise<GuideApp> {
  const markdown = await readFile(join(repoRoot, docPath), 'utf8')
  // Inside the repository (`.tmp/` is ignored by git and lint) so packages resolve.
  await mkdir(join(repoRoot, '.tmp'), { recursive: true })
  const folder = await mkdtemp(join(repoRoot, '.tmp', `${app}-`))
  for (const [path, code] of guideFiles(markdown, app)) {
    await mkdir(dirname(join(folder, path)), { recursive: true })
    await writeFile(join(folder, path), code)
  }
  const prefix = new RegExp(`(^|=)${app}/`)
  return {
    folder,
    paths: (words) => words.map((w) => w.replace(prefix, `$1${folder}/`)),
    remove: () => rm(folder, { recursive: true, force: true }),
  }
}

/** A running guide server and the base URL it printed (`listening on http://…`). */
export interface GuideServer {
  readonly base: string
  stop(): void
}

/** Runs `node <args>` with PORT=0 and waits until the server prints its URL. */
export async function startGuideServer(args: readonly string[]): Promise<GuideServer> {
  const child = spawn(process.execPath, args, {
    cwd: repoRoot,
    env: { ...process.env, PORT: '0' },
  })
  let output = ''
  child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()))
  child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()))
  const url = () => /listening on (http:\/\/[^/\s]+)/.exec(output)?.[1]
  try {
    await waitFor('the guide server to print its URL', () => url() !== undefined, {
      timeoutMs: 20_000,
      describe: () => output,
    })
  } catch (error) {
    child.kill()
    throw error
  }
  return { base: url() as string, stop: () => child.kill() }
}
