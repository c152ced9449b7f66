// Parses the command line into one command. Pure: no I/O, throws usage errors.
import { parseArgs } from 'node:util'
import { CliError } from './errors.js'

/** What the user asked for. */
export type Command =
  | { kind: 'help' }
  | { kind: 'version' }
  | { kind: 'new'; name: string; source: 'auto' | 'registry' | { checkout: string } }
  | { kind: 'gen-channel'; name: string }
  | { kind: 'gen-presence'; name: string }

const OPTIONS = {
  help: { type: 'boolean', short: 'h' },
  version: { type: 'boolean', short: 'v' },
  registry: { type: 'boolean' },
  'plume-from': { type: 'string' },
} as const

/** The command `argv` (without node and the script) names. */
export function parseCommand(argv: readonly string[]): Command {
  let parsed
  try {
    parsed = parseArgs({ args: [...argv], options: OPTIONS, allowPositionals: true })
  } catch (error) {
    throw new CliError(`${(error as Error).message}; see plume --help`, 2)
  }
  const { values, positionals } = parsed
  if (values.help || positionals[0] === 'help') return { kind: 'help' }
  if (values.version) return { kind: 'version' }
  const [verb, ...rest] = positionals
  if (verb === 'new') return newCommand(rest, values)
  if (verb === 'gen' || verb === 'g') return genCommand(rest)
  if (verb === undefined) return { kind: 'help' }
  throw new CliError(`unknown command ${JSON.stringify(verb)}; see plume --help`, 2)
}

function newCommand(
  rest: string[],
  values: { registry?: boolean; 'plume-from'?: string },
): Command {
  const [name, ...extra] = rest
  if (name === undefined || extra.length > 0) usage('plume new <app-name>')
  if (values.registry && values['plume-from'] !== undefined)
    throw new CliError('give either --registry or --plume-from, not both', 2)
  const from = values['plume-from']
  const source = from !== undefined ? { checkout: from } : values.registry ? 'registry' : 'auto'
  return { kind: 'new', name, source }
}

function genCommand(rest: string[]): Command {
  const [what, name, ...extra] = rest
  if (extra.length > 0) usage(`plume gen ${what ?? '<channel|presence>'} <Name>`)
  if (what === 'channel') {
    if (name === undefined) usage('plume gen channel <Name>')
    return { kind: 'gen-channel', name }
  }
  if (what === 'presence') return { kind: 'gen-presence', name: name ?? 'Presence' }
  usage('plume gen <channel|presence> <Name>')
}

function usage(line: string): never {
  throw new CliError(`usage: ${line}`, 2)
}
