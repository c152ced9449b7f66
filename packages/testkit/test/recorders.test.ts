// Inbox and RecordingLogger resolve waits for past and future items, time out with a clear
// message, and count and filter what they recorded.
import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import { TestkitError } from '@plume/testkit'
import { Inbox, isCode, msg, probe, RecordingLogger } from '@plume/testkit/pubsub'
import { PubSubError } from '@plume/pubsub'

void describe('Inbox', () => {
  void it('resolves for a message that already arrived and for one still to come', async () => {
    const inbox = new Inbox()
    inbox.deliver(msg('early'))
    assert.equal((await inbox.topic('early')).topic, 'early')
    const later = inbox.topic('probe-3')
    inbox.deliver(probe(2))
    inbox.deliver(probe(3))
    assert.deepEqual(await later, { topic: 'probe-3', message: 3, dispatcher: 'default' })
    assert.deepEqual(
      inbox.items.map((m) => m.topic),
      ['early', 'probe-2', 'probe-3'],
    )
  })

  void it('rejects after the timeout, naming the topic', async () => {
    await assert.rejects(
      new Inbox().topic('never', 20),
      (e: unknown) => e instanceof TestkitError && /"never"/.test(e.message),
    )
  })
})

void describe('RecordingLogger', () => {
  void it('waits for, counts and lists problem lines', async () => {
    const logger = new RecordingLogger()
    logger.info('started')
    const lost = logger.line('warn', 'lost')
    logger.warn('connection lost', { n: 1 })
    logger.error('broken')
    assert.deepEqual(await lost, { level: 'warn', msg: 'connection lost', data: { n: 1 } })
    assert.equal(logger.count('warn', 'lost'), 1)
    assert.equal(logger.count('info', 'lost'), 0)
    assert.deepEqual(
      logger.problems().map((e) => e.msg),
      ['connection lost', 'broken'],
    )
  })
})

void describe('isCode', () => {
  void it('matches a PubSubError with that code only', () => {
    assert.equal(isCode('CLOSED')(new PubSubError('CLOSED', 'closed')), true)
    assert.equal(isCode('CLOSED')(new PubSubError('NOT_STARTED', 'x')), false)
    assert.equal(isCode('CLOSED')(new Error('CLOSED')), false)
  })
})
