// Entry point @plume/testkit/pubsub: recorders and shared scenarios for adapter tests.

export { deliverEventually, isCode, msg, probe } from './messages.js'
export { brokerOutage, closeWhileDown } from './outage.js'
export type { OutageFixture, Restartable } from './outage.js'
export { Inbox, Recorder, RecordingLogger } from './recorders.js'
export type { LogEntry } from './recorders.js'
export { adapterScenarios } from './scenarios.js'
export type { AdapterFixture } from './scenarios.js'
export {
  settlesAtBound,
  SILENT_EARLY_MS,
  SILENT_SLACK_MS,
  silentConnectionHarness,
} from './silent.js'
export type { SilentCut, SilentHarness, SilentHarnessOptions } from './silent.js'
