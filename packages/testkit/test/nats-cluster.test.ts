// NATS clusters: the servers start routed to each other, /connz shows which server a client
// is on, routes re-form after a member restarts, and a bad size is refused.
import assert from 'node:assert/strict'
import { once } from 'node:events'
import { createConnection } from 'node:net'
import type { Socket } from 'node:net'
import { after, before, describe, it } from 'node:test'
import { startNatsCluster, TestkitError, waitFor, type NatsCluster } from '@plume/testkit'

// A bare NATS client: CONNECT with a name, then PING; PONG means the server registered it.
async function namedClient(port: number, name: string): Promise<Socket> {
  const socket = createConnection({ port, host: '127.0.0.1' })
  await once(socket, 'connect')
  let seen = ''
  socket.setEncoding('utf8')
  socket.on('data', (chunk: string) => (seen += chunk))
  socket.write(`CONNECT ${JSON.stringify({ name, verbose: false })}\r\nPING\r\n`)
  await waitFor('PONG', () => seen.includes('PONG'), { timeoutMs: 2000 })
  return socket
}

void describe('startNatsCluster', () => {
  let cluster: NatsCluster
  before(async () => {
    cluster = await startNatsCluster(3)
  })
  after(async () => {
    await cluster?.stop()
  })

  void it('starts routed servers on distinct loopback ports', () => {
    const ports = cluster.members.flatMap((m) => [m.broker.port, m.clusterPort, m.monitorPort])
    assert.equal(new Set(ports).size, 9)
    assert.deepEqual(
      cluster.urls,
      cluster.members.map((m) => `nats://127.0.0.1:${m.broker.port}`),
    )
    assert.deepEqual(
      cluster.members.map((m) => m.name),
      ['s1', 's2', 's3'],
    )
  })

  void it('reports the clients connected to each server', async () => {
    const socket = await namedClient(cluster.member(1).broker.port, 'probe-client')
    try {
      assert.deepEqual(await cluster.clientNames(1), ['probe-client'])
      assert.deepEqual(await cluster.clientNames(0), [])
    } finally {
      socket.destroy()
    }
  })

  void it('waits for the routes again after a member is killed and restarted', async () => {
    await cluster.member(2).broker.kill()
    await cluster.waitForRoutes() // the two survivors, routed to each other only
    await cluster.member(2).broker.restart()
    await cluster.waitForRoutes()
  })

  void it('refuses sizes below two and unknown members', async () => {
    const invalid = (e: unknown): boolean => e instanceof TestkitError && e.code === 'INVALID_STATE'
    await assert.rejects(startNatsCluster(1), invalid)
    assert.throws(() => cluster.member(3), invalid)
  })
})
