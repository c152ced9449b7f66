import { PubSub, silentLogger } from '@plume/pubsub'
import { RedisAdapter } from '@plume/pubsub-redis'
import { Tracker } from '@plume/tracker'
const t0 = performance.now()
const log = (m: string) => console.log(`${Math.round(performance.now() - t0)} ms ${m}`)
const mk = async (n: string) => { const pubsub = new PubSub({ adapter: new RedisAdapter({ nodeName: n, prefix: 'x' + Math.random(), logger: silentLogger }), logger: silentLogger }); const t = new Tracker({ pubsub, logger: { ...silentLogger, warn: (m, d) => log('warn ' + m + ' ' + String((d as any)?.error)) , error: (m, d) => log('err ' + m + String((d as any)?.error)) } as any }); await t.start(); return { t, pubsub } }
const prefix = 'p' + Math.random()
const mk2 = async (n: string) => { const pubsub = new PubSub({ adapter: new RedisAdapter({ nodeName: n, prefix, logger: silentLogger }), logger: silentLogger }); const t = new Tracker({ pubsub, logger: { debug(){}, info(){}, warn: (m: string, d: any) => log('warn ' + m + ' ' + String(d?.error)), error: (m: string, d: any) => log('err ' + m + String(d?.error)) } }); await t.start(); return { t, pubsub } }
void mk
const a = await mk2('a')
for (let i = 0; i < 100000; i++) a.t.track(`c${i}`, 'room', `u${i}`, { online_at: i })
log('tracked')
const b = await mk2('b')
log('b started')
let last = -1
while (b.t.count('room') < 100000) { await new Promise((r) => setTimeout(r, 50)); const c = b.t.count('room'); if (c !== last) { log(`count ${c}`); last = c } }
log('done')
await a.t.stop(); await b.t.stop(); await a.pubsub.close(); await b.pubsub.close()
