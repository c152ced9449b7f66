// The `plume` command: parses argv, runs one command, and turns every expected failure into
// a one-line message and an exit code (2 for usage, 1 for a failed step) instead of a crash.
import { existsSync, readdirSync, readFileSync } from 'node:fs'
import { mkdir, rm } from 'node:fs/promises'
import { join, resolve } from 'node:path'
import { parseCommand, type Command } from './args.js'
import { enclosingCheckout, packCheckout, registrySpecs, type PlumeSpecs } from './dependencies.js'
import { CliError } from './errors.js'
import { writeFiles } from './files.js'
import { channelFiles, channelNextSteps, presenceFiles, presenceNextSteps } from './generators.js'
import { HELP } from './help.js'
import { appName } from './names.js'
import { appFiles } from './new-app.js'

/** Where a run reads and writes: tests pass their own. */
export interface CliIo {
  readonly cwd: string
  readonly out: (text: string) => void
  readonly err: (text: string) => void
}

const defaultIo: CliIo = {
  cwd: process.cwd(),
  out: (text) => process.stdout.write(`${text}\n`),
  err: (text) => process.stderr.write(`${text}\n`),
}

/** Runs `plume <argv>`; resolves with the process exit code. */
export async function run(argv: readonly string[], io: CliIo = defaultIo): Promise<number> {
  try {
    await execute(parseCommand(argv), io)
    return 0
  } catch (error) {
    if (!(error instanceof CliError)) throw error
    io.err(`plume: ${error.message}`)
    return error.exitCode
  }
}

async function execute(command: Command, io: CliIo): Promise<void> {
  switch (command.kind) {
    case 'help':
      return io.out(HELP)
    case 'version':
      return io.out(ownVersion())
    case 'new':
      return newApp(command, io)
    case 'gen-channel':
      await writeFiles(appRoot(io.cwd), await channelFiles(command.name))
      return io.out(
        `created the ${command.name} channel and its test\n${channelNextSteps(command.name)}`,
      )
    case 'gen-presence':
      await writeFiles(appRoot(io.cwd), await presenceFiles(command.name))
      return io.out(`created ${command.name} and its test\n${presenceNextSteps(command.name)}`)
  }
}

function ownVersion(): string {
  const pkg = new URL('../package.json', import.meta.url)
  return (JSON.parse(readFileSync(pkg, 'utf8')) as { version: string }).version
}

/** Generators write into an app: the folder holding a package.json. */
function appRoot(cwd: string): string {
  if (!existsSync(join(cwd, 'package.json')))
    throw new CliError(`no package.json in ${cwd}: run plume gen inside an app`, 2)
  return cwd
}

async function newApp(command: Extract<Command, { kind: 'new' }>, io: CliIo): Promise<void> {
  const name = appName(command.name)
  const dir = resolve(io.cwd, name)
  if (existsSync(dir) && readdirSync(dir).length > 0)
    throw new CliError(`${dir} exists and is not empty`)
  const checkout = checkoutFor(command.source, io.cwd)
  await mkdir(dir, { recursive: true })
  try {
    const specs: PlumeSpecs = checkout
      ? await packCheckout(checkout, dir)
      : registrySpecs(ownVersion())
    await writeFiles(dir, await appFiles(name, specs, checkout !== undefined))
  } catch (error) {
    // Leave nothing half-made behind: the folder was new or empty.
    await rm(dir, { recursive: true, force: true })
    throw error
  }
  const from = checkout ? `Plume packed from ${checkout}` : 'Plume from the npm registry'
  io.out(`created ${name} (${from})\n\n  cd ${name}\n  npm install\n  npm start\n`)
}

function checkoutFor(source: Extract<Command, { kind: 'new' }>['source'], cwd: string) {
  if (source === 'registry') return undefined
  if (source === 'auto') return enclosingCheckout()
  const dir = resolve(cwd, source.checkout)
  if (!existsSync(join(dir, 'packages/server/package.json')))
    throw new CliError(`--plume-from ${source.checkout}: not a Plume checkout`, 2)
  return dir
}
