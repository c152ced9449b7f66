// Issue 5 cluster scenarios over a private nats-server started on a free port (see scenarios.ts).
import { clusterScenarios } from './scenarios.js'

clusterScenarios('nats')
