// Semantic versions and Elixir-style requirements, just enough for `vsn` negotiation
// (docs/protocol.md "Serializer negotiation"). `~> 2.0.0` means >= 2.0.0 and < 2.1.0;
// `~> 2.0` means >= 2.0.0 and < 3.0.0. Clauses combine with `and` / `or` as in Elixir.

import { ProtocolError } from './errors.js'

interface Version {
  readonly major: number
  readonly minor: number
  readonly patch: number
  readonly pre: readonly string[]
}

const IDENT = '[0-9A-Za-z-]+(?:\\.[0-9A-Za-z-]+)*'
const NUM = '(0|[1-9]\\d*)'
const FULL = new RegExp(`^${NUM}\\.${NUM}\\.${NUM}(?:-(${IDENT}))?(?:\\+${IDENT})?$`)
const SHORT = new RegExp(`^${NUM}\\.${NUM}$`)
const MAX_LENGTH = 256

/** Parses `MAJOR.MINOR.PATCH[-pre][+build]` strictly, as Elixir's `Version.parse` does. */
export function parseVersion(text: string): Version | undefined {
  if (text.length > MAX_LENGTH) return undefined
  const m = FULL.exec(text)
  if (m === null) return undefined
  return {
    major: Number(m[1]),
    minor: Number(m[2]),
    patch: Number(m[3]),
    pre: m[4]?.split('.') ?? [],
  }
}

function compareIdent(a: string, b: string): number {
  const an = /^\d+$/.test(a)
  const bn = /^\d+$/.test(b)
  if (an && bn) return Math.sign(Number(a) - Number(b))
  if (an !== bn) return an ? -1 : 1
  return a < b ? -1 : a > b ? 1 : 0
}

/** Semver precedence: build metadata is ignored, a pre-release sorts before its release. */
function compare(a: Version, b: Version): number {
  const core = a.major - b.major || a.minor - b.minor || a.patch - b.patch
  if (core !== 0) return Math.sign(core)
  if (a.pre.length === 0 || b.pre.length === 0) {
    return Math.sign(b.pre.length) - Math.sign(a.pre.length)
  }
  for (let i = 0; i < Math.min(a.pre.length, b.pre.length); i++) {
    const c = compareIdent(a.pre[i] ?? '', b.pre[i] ?? '')
    if (c !== 0) return c
  }
  return Math.sign(a.pre.length - b.pre.length)
}

type Clause = (v: Version) => boolean

const OPS: Record<string, (c: number) => boolean> = {
  '==': (c) => c === 0,
  '!=': (c) => c !== 0,
  '>': (c) => c > 0,
  '>=': (c) => c >= 0,
  '<': (c) => c < 0,
  '<=': (c) => c <= 0,
}

function invalid(requirement: string): ProtocolError {
  return new ProtocolError(
    'INVALID_REQUIREMENT',
    `invalid version requirement ${JSON.stringify(requirement)}`,
  )
}

/** `~> M.m` and `~> M.m.p`: the upper bound excludes the next version's pre-releases too. */
function pessimistic(text: string, requirement: string): Clause {
  const full = parseVersion(text)
  const short = SHORT.exec(text)
  if (full === undefined && short === null) throw invalid(requirement)
  const lower = full ?? { major: Number(short?.[1]), minor: Number(short?.[2]), patch: 0, pre: [] }
  const upper: Version =
    full !== undefined
      ? { major: lower.major, minor: lower.minor + 1, patch: 0, pre: ['0'] }
      : { major: lower.major + 1, minor: 0, patch: 0, pre: ['0'] }
  return (v) => compare(v, lower) >= 0 && compare(v, upper) < 0
}

function parseClause(text: string, requirement: string): Clause {
  const m = /^(~>|==|!=|>=|<=|>|<)?\s*(\S+)$/.exec(text.trim())
  if (m === null) throw invalid(requirement)
  const [, op = '==', versionText = ''] = m
  if (op === '~>') return pessimistic(versionText, requirement)
  const target = parseVersion(versionText)
  const test = OPS[op]
  if (target === undefined || test === undefined) throw invalid(requirement)
  return (v) => test(compare(v, target))
}

/**
 * True when `vsn` satisfies the Elixir-style `requirement`. An unparsable `vsn` never
 * matches; an unparsable requirement is a programming error and throws `INVALID_REQUIREMENT`.
 *
 * @example
 * versionMatches('2.0.0', '~> 2.0.0') // true
 * versionMatches('2.1.0', '~> 2.0.0') // false
 * versionMatches('2.1.0', '~> 2.0')   // true
 */
export function versionMatches(vsn: string, requirement: string): boolean {
  if (requirement.length > MAX_LENGTH) throw invalid(requirement)
  const alternatives = requirement
    .split(/\s+or\s+|\s*\|\|\s*/)
    .map((alt) => alt.split(/\s+and\s+|\s*&&\s*/).map((clause) => parseClause(clause, requirement)))
  const version = parseVersion(vsn)
  if (version === undefined) return false
  return alternatives.some((clauses) => clauses.every((clause) => clause(version)))
}
