// Broker processes: each kind starts on a free loopback port, answers clients, survives a
// kill/restart on the same port, and refuses options it cannot honour.
import assert from 'node:assert/strict'
import { once } from 'node:events'
import { createConnection } from 'node:net'
import { describe, it } from 'node:test'
import { startBroker, TestkitError, type Broker } from '@plume/testkit'

async function accepts(broker: Broker): Promise<boolean> {
  const socket = createConnection({ port: broker.port, host: '127.0.0.1' })
  try {
    await once(socket, 'connect')
    return true
  } catch {
    return false
  } finally {
    socket.destroy()
  }
}

for (const kind of ['redis', 'nats'] as const) {
  void describe(`${kind} broker`, () => {
    void it('starts, is killed, and restarts on the same port', async () => {
      const broker = await startBroker(kind)
      try {
        assert.equal(broker.url, `${kind}://127.0.0.1:${broker.port}`)
        assert.ok(broker.running && (await accepts(broker)))
        await broker.kill()
        assert.ok(!broker.running && !(await accepts(broker)))
        await broker.restart()
        assert.ok(await accepts(broker))
        await assert.rejects(
          broker.restart(),
          (e: unknown) => e instanceof TestkitError && e.code === 'INVALID_STATE',
        )
      } finally {
        await broker.stop()
      }
    })
  })
}

void describe('broker options', () => {
  void it('puts a redis password and db number into the URL', async () => {
    const broker = await startBroker('redis', { password: 'p@ss:w/rd' })
    try {
      assert.equal(broker.dbUrl(3), `redis://:p%40ss%3Aw%2Frd@127.0.0.1:${broker.port}/3`)
    } finally {
      await broker.stop()
    }
  })

  void it('refuses a password for nats', async () => {
    await assert.rejects(
      startBroker('nats', { password: 'x' }),
      (e: unknown) => e instanceof TestkitError && e.code === 'INVALID_STATE',
    )
  })
})
