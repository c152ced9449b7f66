import { TrackerState, replicaRef } from '@plume/crdt'
const g = (globalThis as any).gc
g(); const before = process.memoryUsage().heapUsed
const s = new TrackerState(replicaRef('a', 1))
for (let i = 0; i < 100000; i++) s.join(`o${i}`, `room:${i % 100}`, `user${i}`, { phx_ref: `ref${i}` })
s.resetDelta()
g(); console.log('bytes/entry', Math.round((process.memoryUsage().heapUsed - before) / 100000))
