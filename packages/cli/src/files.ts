// Writes generated files, never over an existing one: a generator that would overwrite
// anything writes nothing and names the file in its error.
import { existsSync } from 'node:fs'
import { mkdir, writeFile } from 'node:fs/promises'
import { dirname, join } from 'node:path'
import { CliError } from './errors.js'

/** A file to create, its path relative to the target folder. */
export interface PlannedFile {
  readonly path: string
  readonly content: string
}

/** Writes `files` under `root`; throws before writing if any of them exists. */
export async function writeFiles(root: string, files: readonly PlannedFile[]): Promise<void> {
  const taken = files.filter((f) => existsSync(join(root, f.path)))
  if (taken.length > 0) {
    const list = taken.map((f) => f.path).join(', ')
    throw new CliError(`not overwriting existing file(s): ${list}`)
  }
  for (const file of files) {
    await mkdir(dirname(join(root, file.path)), { recursive: true })
    await writeFile(join(root, file.path), file.content)
  }
}
