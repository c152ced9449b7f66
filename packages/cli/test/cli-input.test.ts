// The CLI's handling of what a user types: commands parse, names take every spelling, and
// bad input gets a one-line message and a usage exit code without touching any file.
import assert from 'node:assert/strict'
import { spawnSync } from 'node:child_process'
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { after, describe, it } from 'node:test'
import { fileURLToPath } from 'node:url'
import { parseCommand } from '../src/args.js'
import { CliError } from '../src/errors.js'
import { names } from '../src/names.js'
import { run } from '../src/run.js'
import { render } from '../src/templates.js'

const scratch = mkdtempSync(join(tmpdir(), 'plume-cli-input-'))
after(() => rmSync(scratch, { recursive: true, force: true }))

/** Runs the CLI in-process in `cwd`, capturing what it prints. */
async function plume(cwd: string, ...argv: string[]) {
  const out: string[] = []
  const err: string[] = []
  const code = await run(argv, { cwd, out: (t) => out.push(t), err: (t) => err.push(t) })
  return { code, out: out.join('\n'), err: err.join('\n') }
}

describe('parsing', () => {
  it('reads new, gen channel, gen presence and its default name', () => {
    assert.deepEqual(parseCommand(['new', 'my-app']), {
      kind: 'new',
      name: 'my-app',
      source: 'auto',
    })
    assert.deepEqual(parseCommand(['new', 'a', '--registry']), {
      kind: 'new',
      name: 'a',
      source: 'registry',
    })
    assert.deepEqual(parseCommand(['new', 'a', '--plume-from', '/x']), {
      kind: 'new',
      name: 'a',
      source: { checkout: '/x' },
    })
    assert.deepEqual(parseCommand(['gen', 'channel', 'Room']), {
      kind: 'gen-channel',
      name: 'Room',
    })
    assert.deepEqual(parseCommand(['gen', 'presence']), { kind: 'gen-presence', name: 'Presence' })
    assert.deepEqual(parseCommand([]), { kind: 'help' })
  })

  it('refuses unknown commands, missing names, stray arguments and unknown flags', () => {
    for (const argv of [
      ['deploy'],
      ['new'],
      ['new', 'a', 'b'],
      ['gen', 'socket', 'X'],
      ['gen', 'channel'],
      ['new', 'a', '--nope'],
      ['new', 'a', '--registry', '--plume-from', '.'],
    ]) {
      assert.throws(
        () => parseCommand(argv),
        (e: unknown) => e instanceof CliError && e.exitCode === 2,
        argv.join(' '),
      )
    }
  })
})

describe('names', () => {
  it('gives every spelling of a name however it is written', () => {
    for (const input of ['ChatRoom', 'chatRoom', 'chat_room', 'chat-room']) {
      assert.deepEqual(names(input), {
        pascal: 'ChatRoom',
        camel: 'chatRoom',
        kebab: 'chat-room',
        snake: 'chat_room',
      })
    }
    assert.deepEqual(names('Room'), { pascal: 'Room', camel: 'room', kebab: 'room', snake: 'room' })
  })

  it('refuses names that are not identifiers', () => {
    for (const bad of ['', '1Room', 'Room!', '../Room', 'chat room', 'a--b']) {
      assert.throws(() => names(bad), CliError, JSON.stringify(bad))
    }
  })
})

describe('templates', () => {
  it('fills placeholders and refuses to leave one unfilled', () => {
    assert.equal(render('a {{x}} b {{x}}', { x: 'y' }), 'a y b y')
    assert.throws(() => render('{{missing}}', {}), /missing/)
  })
})

describe('running', () => {
  it('--help prints the commands and exits 0 through the bin', () => {
    const bin = fileURLToPath(new URL('../bin/plume.js', import.meta.url))
    const result = spawnSync(process.execPath, [bin, '--help'], { encoding: 'utf8' })
    assert.equal(result.status, 0, result.stderr)
    assert.match(result.stdout, /plume new <app-name>/)
    assert.match(result.stdout, /plume gen channel <Name>/)
  })

  it('a usage error exits 2 with one line on stderr', async () => {
    const result = await plume(scratch, 'new', 'Not Valid')
    assert.equal(result.code, 2)
    assert.match(result.err, /^plume: not a valid app name/)
    assert.equal(result.err.split('\n').length, 1)
  })

  it('gen outside an app refuses and writes nothing', async () => {
    const dir = mkdtempSync(join(scratch, 'empty-'))
    const result = await plume(dir, 'gen', 'channel', 'Room')
    assert.equal(result.code, 2)
    assert.match(result.err, /no package\.json/)
    assert.deepEqual(readdirSync(dir), [])
  })

  it('gen never overwrites: one existing file and nothing is written', async () => {
    const dir = mkdtempSync(join(scratch, 'app-'))
    writeFileSync(join(dir, 'package.json'), '{}')
    const first = await plume(dir, 'gen', 'channel', 'Room')
    assert.equal(first.code, 0, first.err)
    writeFileSync(join(dir, 'src/channels/room.ts'), 'mine')
    rmSync(join(dir, 'test/room-channel.test.ts'))
    const second = await plume(dir, 'gen', 'channel', 'Room')
    assert.equal(second.code, 1)
    assert.match(second.err, /not overwriting existing file\(s\): src\/channels\/room\.ts/)
    assert.equal(readFileSync(join(dir, 'src/channels/room.ts'), 'utf8'), 'mine')
    assert.deepEqual(readdirSync(join(dir, 'test')), [])
  })

  it('new refuses a folder that is not empty and leaves it as it was', async () => {
    mkdirSync(join(scratch, 'taken'))
    writeFileSync(join(scratch, 'taken', 'keep.txt'), 'keep')
    const result = await plume(scratch, 'new', 'taken', '--registry')
    assert.equal(result.code, 1)
    assert.match(result.err, /exists and is not empty/)
    assert.deepEqual(readdirSync(join(scratch, 'taken')), ['keep.txt'])
  })
})
