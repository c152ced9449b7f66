import { PubSub, silentLogger } from '@plume/pubsub'
import { Tracker } from '@plume/tracker'
const pubsub = new PubSub({ logger: silentLogger })
const t = new Tracker({ pubsub, logger: silentLogger })
await t.start()
const t0 = performance.now()
for (let i = 0; i < 100000; i++) t.track(`c${i}`, 'room', `u${i}`, { online_at: i })
console.log('track 100k', Math.round(performance.now() - t0))
await t.stop()
