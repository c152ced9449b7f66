// `npm test` never skips in silence: a missing broker or browser is installed when we are root,
// otherwise the run stops with one message naming the binary and its install command; only an
// explicit PLUME_TEST_SKIP=browser skips the browser suites. Each case runs against a PATH made of
// a temporary folder of fake executables, so the real machine's binaries do not matter.
import assert from 'node:assert/strict'
import { chmodSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { after, describe, it } from 'node:test'
import { findChromium } from '@plume/testkit/chromium'
import { ensureBinaries, findOnPath } from '../../../scripts/test-binaries.mjs'

const dir = mkdtempSync(join(tmpdir(), 'plume-bin-'))
after(() => rmSync(dir, { recursive: true, force: true }))

function pathWith(...names: string[]): string {
  const own = mkdtempSync(join(dir, 'path-'))
  for (const name of names) {
    writeFileSync(join(own, name), '#!/bin/sh\n')
    chmodSync(join(own, name), 0o755)
  }
  return own
}

const all = ['redis-server', 'nats-server', 'chromium']

void describe('ensureBinaries', () => {
  void it('passes when every binary is on PATH, and skips nothing', () => {
    const skipped = ensureBinaries({ env: { PATH: pathWith(...all) }, isRoot: false })
    assert.deepEqual([...skipped], [])
  })

  void it('stops a non-root run naming what is missing and how to install it', () => {
    const env = { PATH: pathWith('redis-server') }
    assert.throws(
      () => ensureBinaries({ env, isRoot: false, install: () => assert.fail('not root') }),
      (e: Error) =>
        /needs nats-server, chromium/.test(e.message) &&
        /apt-get install nats-server chromium/.test(e.message) &&
        /PLUME_TEST_SKIP=browser/.test(e.message),
    )
  })

  void it('installs the missing packages when root, then checks again', () => {
    const path = pathWith('redis-server')
    const asked: string[][] = []
    const install = (pkgs: string[]) => {
      asked.push(pkgs)
      for (const name of ['nats-server', 'chromium']) writeFileSync(join(path, name), '')
      for (const name of ['nats-server', 'chromium']) chmodSync(join(path, name), 0o755)
      return true
    }
    ensureBinaries({ env: { PATH: path }, isRoot: true, install })
    assert.deepEqual(asked, [['nats-server', 'chromium']])
  })

  void it('fails loudly when the install did not provide the binary', () => {
    const env = { PATH: pathWith('redis-server', 'nats-server') }
    assert.throws(() => ensureBinaries({ env, isRoot: true, install: () => false }), /chromium/)
  })

  void it('lets the browser suites be skipped on purpose, and says so', () => {
    const env = { PATH: pathWith('redis-server', 'nats-server'), PLUME_TEST_SKIP: 'browser' }
    assert.deepEqual([...ensureBinaries({ env, isRoot: false })], ['browser'])
  })

  void it('refuses an opt-out it does not know rather than ignoring it', () => {
    const env = { PATH: pathWith(...all), PLUME_TEST_SKIP: 'redis' }
    assert.throws(() => ensureBinaries({ env, isRoot: false }), /unknown value redis/)
  })
})

void describe('finding Chromium', () => {
  void it('looks on PATH under both Debian names', () => {
    const path = pathWith('chromium-browser')
    assert.equal(findChromium({ PATH: path }), join(path, 'chromium-browser'))
    assert.equal(findOnPath('chromium-browser', path), join(path, 'chromium-browser'))
  })

  void it('ignores files that are not executable, and honours CHROMIUM_PATH', () => {
    const path = pathWith()
    writeFileSync(join(path, 'chromium'), '')
    assert.equal(findChromium({ PATH: path }), undefined)
    assert.equal(findChromium({ PATH: path, CHROMIUM_PATH: '/opt/c' }), '/opt/c')
  })
})
