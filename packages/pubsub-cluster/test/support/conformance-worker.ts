// A forked cluster worker for the conformance runner: it owns one real ClusterAdapter at a
// time and does what the test process asks through the control protocol.

import { ClusterAdapter } from '@plume/pubsub-cluster'
import { CTL, isControl, pack, unpack, type Report, type Request } from './control.js'

let adapter: ClusterAdapter | undefined

function report(msg: Report): void {
  process.send?.(msg)
}

function run(req: Request): Promise<void> {
  if (req.op === 'create') {
    adapter = new ClusterAdapter({ nodeName: req.node })
    return Promise.resolve()
  }
  const current = adapter
  if (current === undefined) return Promise.reject(new Error('no adapter created'))
  switch (req.op) {
    case 'start':
      return current.start((msg) =>
        report({ ctl: CTL, op: 'deliver', node: current.nodeName, data: pack(msg) }),
      )
    case 'broadcast':
      return current.broadcast(unpack(req.data))
    case 'direct':
      return current.directBroadcast(req.node, unpack(req.data))
    case 'close':
      return current.close()
  }
}

process.on('message', (raw: unknown) => {
  if (!isControl<Request>(raw)) return
  run(raw).then(
    () => report({ ctl: CTL, op: 'ack', id: raw.id }),
    (e: Error & { code?: string }) =>
      report({
        ctl: CTL,
        op: 'ack',
        id: raw.id,
        error: { code: e.code ?? '', message: e.message },
      }),
  )
})
report({ ctl: CTL, op: 'ready' })
