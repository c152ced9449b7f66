// Issue 5 cluster scenarios over a private redis-server started on a free port (see scenarios.ts).
import { clusterScenarios } from './scenarios.js'

clusterScenarios('redis')
