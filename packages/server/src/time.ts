// The server's single import point for injected time (@plume/tracker's Scheduler), so the
// rest of the package never reads the clock or arms a raw timer.

export type { Cancel, Scheduler } from '@plume/tracker'
export { systemScheduler } from '@plume/tracker'
