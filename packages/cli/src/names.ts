// Turns a user-given name (Room, chat_room, ChatRoom, chat-room) into the spellings the
// generated files use. Pure.
import { CliError } from './errors.js'

/** The spellings of one name. */
export interface Names {
  /** ChatRoom: types and factory names. */
  readonly pascal: string
  /** chatRoom: variables. */
  readonly camel: string
  /** chat-room: file names. */
  readonly kebab: string
  /** chat_room: topic prefixes and tracker names. */
  readonly snake: string
}

/** Splits `input` into lower-case words; throws a usage error when it is not a name. */
export function words(input: string): string[] {
  if (!/^[A-Za-z][A-Za-z0-9]*(?:[-_][A-Za-z0-9]+)*$/.test(input)) {
    throw new CliError(
      `not a valid name: ${JSON.stringify(input)} (use letters and digits, e.g. Room or ChatRoom)`,
      2,
    )
  }
  return input
    .replace(/([a-z0-9])([A-Z])/g, '$1 $2')
    .split(/[-_ ]/)
    .map((w) => w.toLowerCase())
}

/** Every spelling of `input`. */
export function names(input: string): Names {
  const parts = words(input)
  const pascal = parts.map((w) => w.charAt(0).toUpperCase() + w.slice(1)).join('')
  return {
    pascal,
    camel: pascal.charAt(0).toLowerCase() + pascal.slice(1),
    kebab: parts.join('-'),
    snake: parts.join('_'),
  }
}

/** Checks an app name is a valid unscoped npm package name (it becomes the folder too). */
export function appName(input: string): string {
  if (!/^[a-z0-9][a-z0-9._-]*$/.test(input) || input.length > 214) {
    throw new CliError(
      `not a valid app name: ${JSON.stringify(input)} (use lower case, digits, '-', '.' or '_')`,
      2,
    )
  }
  return input
}
