// Reserved names and the reply helpers.

import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import { Events, PHOENIX_TOPIC, ProtocolError, isReplyPayload, replyMessage } from '@plume/protocol'

describe('reserved names', () => {
  it('match the Phoenix wire names', () => {
    assert.deepEqual(
      { ...Events },
      {
        join: 'phx_join',
        reply: 'phx_reply',
        leave: 'phx_leave',
        close: 'phx_close',
        error: 'phx_error',
        heartbeat: 'heartbeat',
      },
    )
    assert.equal(PHOENIX_TOPIC, 'phoenix')
    assert.ok(Object.isFrozen(Events))
  })
})

describe('replyMessage / isReplyPayload', () => {
  it('builds a phx_reply with {status, response}', () => {
    assert.deepEqual(replyMessage(null, '4', 'phoenix', 'ok', {}), {
      joinRef: null,
      ref: '4',
      topic: 'phoenix',
      event: 'phx_reply',
      payload: { status: 'ok', response: {} },
    })
  })

  it('recognises reply payloads only', () => {
    assert.equal(isReplyPayload({ status: 'ok', response: {} }), true)
    assert.equal(isReplyPayload({ status: 'error', response: undefined }), true)
    assert.equal(isReplyPayload({ status: 'ok' }), false)
    assert.equal(isReplyPayload({ status: 1, response: {} }), false)
    assert.equal(isReplyPayload(null), false)
    assert.equal(isReplyPayload('ok'), false)
  })
})

describe('ProtocolError', () => {
  it('is an Error with a name and a code', () => {
    const error = new ProtocolError('INVALID_JSON', 'boom')
    assert.ok(error instanceof Error)
    assert.equal(error.name, 'ProtocolError')
    assert.equal(error.code, 'INVALID_JSON')
    assert.equal(error.message, 'boom')
  })
})
