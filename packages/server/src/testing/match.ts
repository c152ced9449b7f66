// Payload expectations of the assertions and how received messages are shown in failures.
// An expectation is a value compared deeply (after the wire round trip, so it compares
// what a client would see), a partial pattern made with `like`, or a predicate.

import { isDeepStrictEqual } from 'node:util'

const PATTERN = Symbol('plume.testing.pattern')

/** A named expectation, built by {@link like} or {@link satisfying}. */
export interface Pattern {
  readonly [PATTERN]: true
  /** How failure messages name it. */
  readonly text: string
  readonly test: (payload: unknown) => boolean
}

/** What an assertion accepts for a payload: exact value, `like(...)` pattern or predicate. */
export type Expected<T> = T | Pattern | ((payload: T) => boolean)

/**
 * Matches objects holding at least these keys (recursively), like an Elixir map pattern;
 * arrays and other values must be equal.
 * @example await channel.assertPush('presence_diff', like({ joins: { alice: {} } }))
 */
export function like(shape: object): Pattern {
  return satisfying(`like ${show(shape)}`, (payload) => contains(payload, shape))
}

/**
 * A predicate with the description failure messages show.
 * @example await channel.assertPush('tick', satisfying('a positive n', (p) => p.n > 0))
 */
export function satisfying<T>(text: string, test: (payload: T) => boolean): Pattern {
  return { [PATTERN]: true, text, test: test as (payload: unknown) => boolean }
}

/** True when `payload` satisfies `expected`; `undefined` expects anything. */
export function matches<T>(payload: T, expected: Expected<T> | undefined): boolean {
  if (expected === undefined) return true
  if (typeof expected === 'function') return (expected as (p: T) => boolean)(payload)
  if (isPattern(expected)) return expected.test(payload)
  return isDeepStrictEqual(payload, expected)
}

function isPattern(value: unknown): value is Pattern {
  return typeof value === 'object' && value !== null && PATTERN in value
}

function contains(actual: unknown, shape: unknown): boolean {
  if (!isRecord(shape) || !isRecord(actual)) return isDeepStrictEqual(actual, shape)
  return Object.entries(shape).every(([k, v]) => k in actual && contains(actual[k], v))
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value)
}

/** A short one-line rendering of an expectation, for failure messages. */
export function showExpected(expected: unknown): string {
  if (expected === undefined) return 'any payload'
  if (typeof expected === 'function')
    return `a payload satisfying ${expected.name || 'a predicate'}`
  if (isPattern(expected)) return expected.text
  return show(expected)
}

const MAX_SHOWN = 200

/** JSON-ish rendering, cut at 200 characters; bytes show as their length. */
export function show(value: unknown): string {
  let text: string
  try {
    text =
      value instanceof Uint8Array ? `<${value.byteLength} bytes>` : (JSON.stringify(value) ?? '')
  } catch {
    text = String(value)
  }
  return text.length > MAX_SHOWN ? `${text.slice(0, MAX_SHOWN)}…` : text
}
