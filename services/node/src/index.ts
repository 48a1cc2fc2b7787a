export { startNode, type RunningNode } from './start-node.ts';
export { buildHttpApp, wireServices, type Wiring } from './wiring.ts';
export { createMemoryEngine, createRedisEngine, resolveEngine, EngineError, type Engine } from './engine.ts';
export {
  startNodeProcess,
  runNodeProcessToExit,
  startCluster,
  type NodeProcess,
  type Cluster,
  type ClusterPlan,
} from './node-process.ts';
export { startEmbeddedPostgres, type RunningEmbeddedPostgres } from './embedded-postgres.ts';
export { freePort } from './free-port.ts';
