// `npm run demo:cluster`: three lobby nodes (a, b, c on ports 4001–4003) as child processes
// sharing one broker (PUBSUB_URL, default the local Redis). Prefixes each node's output,
// forwards SIGINT/SIGTERM so every node drains and exits, and exits once all of them have.
import { spawn } from 'node:child_process'
import type { ChildProcess } from 'node:child_process'
import { createInterface } from 'node:readline'
import { fileURLToPath } from 'node:url'

const NODES = [
  { name: 'a', port: 4001 },
  { name: 'b', port: 4002 },
  { name: 'c', port: 4003 },
] as const

const pubsubUrl = process.env['PUBSUB_URL'] || 'redis://127.0.0.1:6379'
const host = process.env['HOST'] || '127.0.0.1'
// main.js next to this file when built, main.ts when run from source through tsx.
const main = fileURLToPath(
  new URL(`main${import.meta.url.endsWith('.ts') ? '.ts' : '.js'}`, import.meta.url),
)

function pipe(
  stream: NodeJS.ReadableStream | null,
  prefix: string,
  write: (line: string) => void,
): void {
  if (stream === null) return
  createInterface({ input: stream }).on('line', (line) => write(`${prefix} ${line}`))
}

function startNode(name: string, port: number): ChildProcess {
  const child = spawn(process.execPath, [...process.execArgv, main], {
    env: { ...process.env, NODE_NAME: name, PORT: String(port), HOST: host, PUBSUB_URL: pubsubUrl },
    stdio: ['ignore', 'pipe', 'pipe'],
    // Own process group: a terminal's Ctrl-C reaches only this launcher, which forwards it
    // once (a node treats a second signal as "stop now, skip the drain").
    detached: true,
  })
  pipe(child.stdout, `[${name}]`, (line) => console.log(line))
  pipe(child.stderr, `[${name}]`, (line) => console.error(line))
  return child
}

const children = NODES.map(({ name, port }) => ({ name, child: startNode(name, port) }))
let stopping = false
let worst = 0

function stopAll(signal: NodeJS.Signals): void {
  stopping = true
  for (const { child } of children)
    if (child.exitCode === null && child.signalCode === null) child.kill(signal)
}

for (const { name, child } of children) {
  child.on('exit', (code, signal) => {
    worst = Math.max(worst, code ?? 1)
    if (!stopping) {
      // One node failing (port taken, broker unreachable, duplicate name) ends the demo.
      console.error(`[${name}] exited (${signal ?? `code ${String(code)}`}); stopping the others`)
      stopAll('SIGTERM')
    }
    if (children.every((c) => c.child.exitCode !== null || c.child.signalCode !== null)) {
      process.exitCode = worst
    }
  })
}

for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.on(signal, () => {
    console.log(`\n${signal}: stopping nodes ${NODES.map((n) => n.name).join(', ')}`)
    stopAll(signal)
  })
}

console.log(`three lobby nodes over ${pubsubUrl.replace(/\/\/[^@/]*@/g, '//***@')}; open:`)
for (const { name, port } of NODES)
  console.log(`  node ${name}: http://${host}:${port}/?name=User${name.toUpperCase()}`)
console.log('Ctrl-C stops all three (each drains its connections first).')
