// Preloaded (`--import`) into a lobby process by the failover benchmark (plain JavaScript:
// the lobby runs built, without tsx): on SIGUSR2 it keeps
// the event loop busy for BENCH_BURN_MS, in slices of synchronous work with one turn between
// them, as a node saturated by real traffic would be.
const SLICE_MS = 200

/** @param {number} until */
function burn(until) {
  const sliceEnd = Math.min(until, performance.now() + SLICE_MS)
  let x = 0
  while (performance.now() < sliceEnd) x += Math.sqrt(x + 1)
  if (performance.now() < until) setImmediate(() => burn(until))
}

process.on('SIGUSR2', () => burn(performance.now() + Number(process.env['BENCH_BURN_MS'] ?? 0)))
