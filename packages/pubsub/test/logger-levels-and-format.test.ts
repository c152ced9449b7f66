// createLogger: levels, one line per call as text or JSON, errors without a stack below
// level error, both call styles (Plume's (msg, data), pino's (obj, msg)), and fromPino.
import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import { createLogger, fromPino, type LogLevel } from '@plume/pubsub'

const T0 = Date.UTC(2026, 0, 2, 3, 4, 5, 6)

function capture(level: LogLevel, format: 'text' | 'json', base?: Record<string, unknown>) {
  const lines: Array<[LogLevel, string]> = []
  const logger = createLogger({
    level,
    format,
    now: () => T0,
    write: (line, at) => lines.push([at, line]),
    ...(base && { base }),
  })
  return { logger, lines }
}

class ClientMistake extends Error {
  override name = 'ProtocolError'
  code = 'INVALID_FRAME'
}

describe('createLogger', () => {
  it('writes the configured level and above, nothing below', () => {
    const { logger, lines } = capture('warn', 'text')
    logger.debug('d')
    logger.info('i')
    logger.warn('w')
    logger.error('e')
    assert.deepEqual(
      lines.map(([level]) => level),
      ['warn', 'error'],
    )
    const silent = capture('silent', 'text')
    silent.logger.error('dropped')
    assert.equal(silent.lines.length, 0)
  })

  it('text: one line with time, level, message and key=value fields', () => {
    const { logger, lines } = capture('debug', 'text', { node: 'a' })
    logger.info('plume: socket connected', { transport: 'websocket', topic: 'room lobby', n: 3 })
    assert.deepEqual(lines, [
      [
        'info',
        '2026-01-02T03:04:05.006Z INFO  plume: socket connected node=a transport=websocket topic="room lobby" n=3',
      ],
    ])
  })

  it('an expected client error (below level error) prints without a stack', () => {
    const { logger, lines } = capture('debug', 'text')
    logger.warn('plume: invalid frame', { error: new ClientMistake('bad json') })
    assert.equal(lines.length, 1)
    const [, line] = lines[0]!
    assert.ok(!line.includes('\n'), line)
    assert.ok(line.endsWith('error="ProtocolError: bad json"'), line)
  })

  it('an unexpected error (level error) keeps its stack on indented lines', () => {
    const { logger, lines } = capture('debug', 'text')
    const bug = new TypeError('undefined is not a function')
    logger.error('plume: channel crashed', { error: bug })
    const [first, ...rest] = lines[0]![1].split('\n')
    assert.ok(first!.endsWith('error="TypeError: undefined is not a function"'), first)
    assert.ok(rest.length > 1 && rest.every((l) => l.startsWith('    ')), rest.join('\n'))
    assert.ok(rest.some((l) => l.includes('logger-levels-and-format.test')))
  })

  it('json: one parseable object per line with level, time, msg, base and fields', () => {
    const { logger, lines } = capture('info', 'json', { node: 'a' })
    logger.warn('plume: invalid frame', { connection: 7, error: new ClientMistake('bad json') })
    logger.error('plume: join crashed', { error: new Error('boom') })
    assert.ok(lines.every(([, line]) => !line.includes('\n')))
    const [warn, error] = lines.map(([, line]) => JSON.parse(line) as Record<string, unknown>)
    assert.deepEqual(warn, {
      level: 'warn',
      time: T0,
      msg: 'plume: invalid frame',
      node: 'a',
      connection: 7,
      error: { type: 'ProtocolError', message: 'bad json', code: 'INVALID_FRAME' },
    })
    const err = error!['error'] as Record<string, unknown>
    assert.equal(err['message'], 'boom')
    assert.match(String(err['stack']), /^Error: boom\n\s+at /)
  })

  it('takes pino-style calls: (obj, msg), (msg) and (error)', () => {
    const { logger, lines } = capture('debug', 'json')
    logger.info({ user: 'alice' }, 'joined')
    logger.info('plain')
    logger.warn(new ClientMistake('bad json'))
    const parsed = lines.map(([, line]) => JSON.parse(line) as Record<string, unknown>)
    assert.deepEqual(
      parsed.map((p) => [p['msg'], p['user']]),
      [
        ['joined', 'alice'],
        ['plain', undefined],
        ['bad json', undefined],
      ],
    )
    assert.deepEqual((parsed[2]!['error'] as Record<string, unknown>)['type'], 'ProtocolError')
  })

  it('never throws on data JSON cannot hold: cycles and bigints', () => {
    const { logger, lines } = capture('debug', 'json')
    const cyclic: Record<string, unknown> = { n: 10n }
    cyclic['self'] = cyclic
    logger.info('odd data', { cyclic })
    const parsed = JSON.parse(lines[0]![1]) as Record<string, unknown>
    assert.deepEqual(parsed['cyclic'], { n: '10', self: '[Circular]' })
  })

  it('refuses an unknown level or format with a clear error', () => {
    assert.throws(() => createLogger({ level: 'loud' as LogLevel }), /log level must be one of/)
    assert.throws(() => createLogger({ format: 'xml' as 'json' }), /log format must be/)
  })
})

describe('fromPino', () => {
  it("turns Plume's (msg, data) calls into pino's (data, msg)", () => {
    const calls: unknown[][] = []
    const rec =
      (level: string) =>
      (...args: unknown[]) =>
        void calls.push([level, ...args])
    const pino = { debug: rec('debug'), info: rec('info'), warn: rec('warn'), error: rec('error') }
    const logger = fromPino(pino)
    logger.warn('plume: invalid frame', { connection: 1 })
    logger.info('plume: started')
    assert.deepEqual(calls, [
      ['warn', { connection: 1 }, 'plume: invalid frame'],
      ['info', 'plume: started'],
    ])
  })
})
