// Forks real node:cluster workers running a TypeScript file from source (tsx + the `source`
// condition, as the tests themselves run), and stops them: every test that needs workers
// goes through here, so none leaks a process.

import cluster, { type Worker } from 'node:cluster'
import { once } from 'node:events'
import { fileURLToPath } from 'node:url'
import { within } from '@plume/testkit'
import { isControl, type Report } from './control.js'

const SOURCE_ARGS = ['--conditions=source', '--import', 'tsx']

/** The path of a file in this folder, for `forkWorkers`. */
export function supportFile(name: string): string {
  return fileURLToPath(new URL(name, import.meta.url))
}

/** Forks `count` workers running `exec` and waits for each to report ready. */
export async function forkWorkers(
  count: number,
  exec: string,
  env: Record<string, string> = {},
): Promise<Worker[]> {
  cluster.setupPrimary({ exec, execArgv: SOURCE_ARGS })
  const workers = Array.from({ length: count }, () => cluster.fork(env))
  await Promise.all(workers.map((w) => within(ready(w), `worker ${w.id} to start`, 20_000)))
  return workers
}

function ready(worker: Worker): Promise<void> {
  return new Promise((resolve, reject) => {
    worker.once('exit', (code) => reject(new Error(`worker ${worker.id} exited with ${code}`)))
    const onMessage = (raw: unknown): void => {
      if (!isControl<Report>(raw) || raw.op !== 'ready') return
      worker.off('message', onMessage)
      resolve()
    }
    worker.on('message', onMessage)
  })
}

/** Kills a worker (SIGKILL unless told otherwise) and resolves once it exited. */
export async function stopWorker(
  worker: Worker,
  signal: NodeJS.Signals = 'SIGKILL',
): Promise<void> {
  if (worker.process.exitCode !== null || worker.process.signalCode !== null) return
  const exited = once(worker, 'exit')
  worker.process.kill(signal)
  await within(exited, `worker ${worker.id} to exit`, 10_000)
}
