// One simulation schedule: a seed picks the cluster configuration, the faults and a random
// sequence of operations (track/untrack/update, deliveries, time, partitions, crashes,
// restarts, graceful permdowns). Then the network heals, delivery becomes reliable, time
// passes beyond permdownPeriod, and the world is checked against the model.
import type { TrackerOptions } from '@plume/tracker'
import { Prng } from './prng.js'
import { World } from './world.js'

export const NODES = ['n0', 'n1', 'n2', 'n3', 'n4']
const PERIOD = 100

/** Outcome of one schedule. */
export interface ScheduleResult {
  readonly seed: number
  readonly ok: boolean
  readonly error?: unknown
  readonly steps: number
  readonly delivered: number
  readonly dropped: number
  readonly ms: number
}

function configure(rand: Prng): Partial<TrackerOptions> {
  const downPeriod = rand.range(3, 8) * PERIOD
  return {
    broadcastPeriod: PERIOD,
    maxSilentPeriods: rand.range(0, 3),
    downPeriod,
    permdownPeriod: downPeriod + rand.range(5, 15) * PERIOD,
    clockSamplePeriods: rand.range(1, 3),
    poolSize: rand.pick([1, 1, 2]) ?? 1,
    maxDeltaSizes: rand.pick([
      [3, 10, 40],
      [100, 1000, 10_000],
      [1, 2],
    ]) ?? [3],
  }
}

const WEIGHTS = {
  track: 25,
  untrack: 8,
  untrackAll: 3,
  update: 10,
  deliver: 25,
  tick: 15,
  wait: 4,
  stall: 1,
  partition: 2,
  heal: 3,
  crash: 1.5,
  restart: 3,
  graceful: 0.7,
}

async function step(w: World, rand: Prng, o: Partial<TrackerOptions>): Promise<void> {
  const downPeriod = o.downPeriod ?? 0
  switch (rand.weighted(WEIGHTS)) {
    case 'track':
      return w.track()
    case 'untrack':
      return w.untrack()
    case 'untrackAll':
      return w.untrackAll()
    case 'update':
      return w.update()
    case 'deliver':
      w.net.deliver(rand.range(1, 20))
      return
    case 'tick':
      return w.scheduler.advance(rand.range(1, 150))
    case 'wait':
      return settleFor(w, rand.range(1, 12) * PERIOD)
    case 'stall':
      return w.scheduler.advance(rand.range(downPeriod, downPeriod * 3))
    case 'partition':
      return partition(w, rand)
    case 'heal':
      return w.net.heal()
    case 'crash':
      return w.live.size > 2 ? w.kill(rand.pick([...w.live.keys()]) ?? '', false) : undefined
    case 'graceful':
      return w.live.size > 2 ? w.kill(rand.pick([...w.live.keys()]) ?? '', true) : undefined
    case 'restart': {
      const name = rand.pick([...w.dead])
      return name === undefined ? undefined : w.start(name)
    }
  }
}

function partition(w: World, rand: Prng): void {
  const a: string[] = []
  const b: string[] = []
  for (const n of NODES) (rand.chance(0.5) ? a : b).push(n)
  w.net.partition([a, b])
}

/** Advances time in broadcast periods, delivering everything after each (under the current faults). */
function settleFor(w: World, ms: number): void {
  for (let t = 0; t < ms; t += PERIOD) {
    w.scheduler.advance(PERIOD)
    w.net.flush()
  }
}

/** Runs schedule `seed` with `steps` random operations; never throws. */
export async function runSchedule(seed: number, steps = 120): Promise<ScheduleResult> {
  const started = performance.now()
  const rand = new Prng(seed)
  const options = configure(rand)
  const world = new World(rand, options)
  const done = (ok: boolean, error?: unknown): ScheduleResult => ({
    seed,
    ok,
    steps,
    delivered: world.net.delivered,
    dropped: world.net.dropped,
    ms: performance.now() - started,
    ...(error === undefined ? {} : { error }),
  })
  try {
    for (const n of NODES) await world.start(n)
    world.net.faults = {
      loss: rand.pick([0, 0.05, 0.2]) ?? 0,
      duplication: rand.pick([0, 0.05]) ?? 0,
      reorder: rand.chance(0.5),
    }
    for (let i = 0; i < steps; i++) await step(world, rand, options)
    // Quiescence: reliable, healed network; long enough for every permdown and transfer round.
    world.net.heal()
    world.net.reliable()
    // Dead replicas are down (hidden) after downPeriod, and live ones have synced a few
    // sample rounds later: visible state must already match, long before any permdown.
    settleFor(world, (options.downPeriod ?? 0) + 15 * PERIOD)
    world.check(true)
    settleFor(world, (options.permdownPeriod ?? 0) + 15 * PERIOD)
    world.check()
    const before = world.net.sentOf('treq')
    settleFor(world, 10 * PERIOD)
    if (world.net.sentOf('treq') !== before)
      throw new Error('transfer requests continue after convergence (transfer loop)')
    return done(true)
  } catch (error) {
    return done(false, error)
  } finally {
    await world.teardown()
  }
}
