// logEvents: one log line per notable event, at a level that matches its weight, with the
// event's payload as data; events of other nodes are left out when a node is given.
import assert from 'node:assert/strict'
import { afterEach, describe, it } from 'node:test'
import { brokerEvent, createLogger } from '@plume/pubsub'
import { limitHit, socketConnect } from '@plume/server'
import { replicaEvent } from '@plume/tracker'
import { logEvents } from '@plume/ops'

const lines: Array<Record<string, unknown>> = []
const logger = createLogger({
  level: 'debug',
  format: 'json',
  now: () => 0,
  write: (line) => lines.push(JSON.parse(line) as Record<string, unknown>),
})
let stop: () => void = () => {}

afterEach(() => {
  stop()
  lines.length = 0
})

describe('logEvents', () => {
  it('writes one line per event, at its level, with the payload', () => {
    stop = logEvents(logger)
    socketConnect.publish({ node: 'a', connectionId: 1, transport: 'websocket', socketId: null })
    replicaEvent.publish({ node: 'a', shard: 0, peer: 'b', replica: 'b#1', status: 'down' })
    replicaEvent.publish({ node: 'a', shard: 0, peer: 'b', replica: 'b#1', status: 'up' })
    brokerEvent.publish({ node: 'a', adapter: 'redis', role: 'subscriber', state: 'disconnected' })
    limitHit.publish({ node: 'a', limit: 'max_channels', max: 3, transport: 'websocket' })
    assert.deepEqual(
      lines.map((l) => [l['level'], l['msg']]),
      [
        ['debug', 'plume: socket connected'],
        ['warn', 'plume: replica down'],
        ['info', 'plume: replica up'],
        ['warn', 'plume: broker disconnected'],
        ['warn', 'plume: limit max_channels hit'],
      ],
    )
    assert.deepEqual(lines[1], {
      level: 'warn',
      time: 0,
      msg: 'plume: replica down',
      node: 'a',
      shard: 0,
      peer: 'b',
      replica: 'b#1',
      status: 'down',
    })
  })

  it('keeps only the given node, and stops when disposed', () => {
    stop = logEvents(logger, { node: 'a' })
    socketConnect.publish({ node: 'b', connectionId: 1, transport: 'websocket', socketId: null })
    socketConnect.publish({ node: 'a', connectionId: 2, transport: 'longpoll', socketId: null })
    assert.deepEqual(
      lines.map((l) => [l['node'], l['connectionId']]),
      [['a', 2]],
    )
    stop()
    socketConnect.publish({ node: 'a', connectionId: 3, transport: 'websocket', socketId: null })
    assert.equal(lines.length, 1)
    assert.equal(socketConnect.hasSubscribers, false)
  })
})
