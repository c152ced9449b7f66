// vsn negotiation and Elixir-style version requirements.

import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import {
  DEFAULT_VSN,
  negotiateSerializer,
  v1Serializer,
  v2Serializer,
  versionMatches,
  type ServerSerializer,
} from '@plume/protocol'

describe('negotiateSerializer', () => {
  it('uses V1 when vsn is absent (treated as "1.0.0")', () => {
    assert.equal(negotiateSerializer(undefined), v1Serializer)
    assert.equal(negotiateSerializer('1.0.0'), v1Serializer)
    assert.equal(negotiateSerializer('1.0.5'), v1Serializer)
  })

  it('uses V2 for "2.0.0" (what phoenix.js sends)', () => {
    assert.equal(DEFAULT_VSN, '2.0.0')
    assert.equal(negotiateSerializer(DEFAULT_VSN), v2Serializer)
    assert.equal(negotiateSerializer('2.0.9'), v2Serializer)
  })

  it('finds nothing for unmatched or unparsable versions', () => {
    for (const vsn of [
      '123.1.1',
      '2.1.0',
      '1.1.0',
      '0.9.0',
      '2.0',
      '2',
      '',
      'garbage',
      'v2.0.0',
      '02.0.0',
    ]) {
      assert.equal(negotiateSerializer(vsn), undefined, vsn)
    }
  })

  it('picks the first matching serializer of a custom list', () => {
    const loose: ServerSerializer = { ...v2Serializer, id: 'loose', requirement: '>= 1.0.0' }
    assert.equal(negotiateSerializer('2.0.0', [loose, v2Serializer]), loose)
    assert.equal(negotiateSerializer('2.0.0', [v1Serializer]), undefined)
    assert.equal(negotiateSerializer('2.0.0', []), undefined)
  })

  it('throws INVALID_REQUIREMENT for a malformed requirement', () => {
    const broken: ServerSerializer = { ...v2Serializer, requirement: '~> two' }
    assert.throws(() => negotiateSerializer('2.0.0', [broken]), { code: 'INVALID_REQUIREMENT' })
  })
})

describe('versionMatches', () => {
  const table: [string, string, boolean][] = [
    ['2.0.0', '~> 2.0.0', true],
    ['2.0.7', '~> 2.0.0', true],
    ['2.1.0', '~> 2.0.0', false],
    ['2.1.0-rc.1', '~> 2.0.0', false],
    ['1.9.9', '~> 2.0.0', false],
    ['2.0.0-rc.1', '~> 2.0.0', false],
    ['2.0.1-dev', '~> 2.0.0', true],
    ['2.0.0', '~> 2.0', true],
    ['2.9.3', '~> 2.0', true],
    ['3.0.0', '~> 2.0', false],
    ['3.0.0-alpha', '~> 2.0', false],
    ['2.0.0+build.5', '~> 2.0.0', true],
    ['2.0.0', '2.0.0', true],
    ['2.0.0', '== 2.0.0', true],
    ['2.0.1', '== 2.0.0', false],
    ['2.0.1', '!= 2.0.0', true],
    ['2.0.1', '> 2.0.0', true],
    ['2.0.0', '>= 2.0.0', true],
    ['1.0.0', '< 2.0.0', true],
    ['2.0.0', '<= 2.0.0', true],
    ['2.0.0-rc.1', '< 2.0.0', true],
    ['1.0.0-alpha.1', '> 1.0.0-alpha', true],
    ['1.0.0-alpha.beta', '> 1.0.0-alpha.1', true],
    ['1.0.0-beta.11', '> 1.0.0-beta.2', true],
    ['1.5.0', '>= 1.0.0 and < 2.0.0', true],
    ['2.5.0', '>= 1.0.0 and < 2.0.0', false],
    ['3.0.0', '~> 1.0 or ~> 3.0', true],
    ['2.0.0', '~> 1.0 or ~> 3.0', false],
    ['garbage', '~> 2.0.0', false],
    ['2.0', '~> 2.0', false],
  ]
  for (const [vsn, requirement, expected] of table) {
    it(`${vsn} ${expected ? 'matches' : 'does not match'} ${requirement}`, () => {
      assert.equal(versionMatches(vsn, requirement), expected)
    })
  }

  for (const requirement of [
    '',
    '~>',
    '~> 2',
    '>= 2.0',
    '=> 2.0.0',
    '~> 2.0.0 and',
    'x'.repeat(300),
  ]) {
    it(`throws for the requirement ${JSON.stringify(requirement.slice(0, 20))}`, () => {
      assert.throws(() => versionMatches('2.0.0', requirement), { code: 'INVALID_REQUIREMENT' })
    })
  }
})
